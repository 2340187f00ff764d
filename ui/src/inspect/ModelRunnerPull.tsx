import { useEffect, useState } from "react";
import { Alert, AlertTitle, Button, CircularProgress, Stack, Typography } from "@mui/material";
import { hasModelRunner, inDesktop, pullIntoModelRunner, toast } from "../api/desktop.js";
import { pullReference } from "./model-runner.js";

type PullState = { kind: "idle" } | { kind: "running" } | { kind: "done" } | { kind: "failed"; message: string };

/** Whether the host's `docker model version` answered: unknown until it has. */
function useModelRunner(): "checking" | "present" | "absent" {
  const [available, setAvailable] = useState<"checking" | "present" | "absent">("checking");
  useEffect(() => {
    let live = true;
    void hasModelRunner().then((answer) => live && setAvailable(answer ? "present" : "absent"));
    return () => {
      live = false;
    };
  }, []);
  return available;
}

/** In Docker Desktop with Docker Model Runner: runs the `docker model pull` command shown above it, on the host. */
export function ModelRunnerPull({ command }: { command: string }) {
  const reference = pullReference(command);
  const available = useModelRunner();
  const [state, setState] = useState<PullState>({ kind: "idle" });
  if (!reference || !inDesktop || available === "checking") return null;
  if (available === "absent") {
    return (
      <Typography variant="body2" color="text.secondary" data-testid="model-runner-absent">
        Docker Model Runner is not enabled on this machine: turn it on in Docker Desktop's settings (AI) to pull it from
        here.
      </Typography>
    );
  }
  const pull = async () => {
    setState({ kind: "running" });
    try {
      await pullIntoModelRunner(reference);
      setState({ kind: "done" });
      toast("success", `Docker Model Runner pulled ${reference}.`);
    } catch (err) {
      setState({ kind: "failed", message: err instanceof Error ? err.message : String(err) });
    }
  };
  const running = state.kind === "running";
  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1.5} alignItems="center" flexWrap="wrap" useFlexGap>
        <Button
          variant="outlined"
          onClick={() => void pull()}
          disabled={running}
          aria-busy={running}
          startIcon={running ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          Pull into Docker Model Runner
        </Button>
        {running && (
          <Typography variant="body2" color="text.secondary">
            Pulling on this machine…
          </Typography>
        )}
        {state.kind === "done" && (
          <Typography variant="body2" color="success.main" data-testid="model-runner-pulled">
            Pulled. Run it with docker model run {reference}
          </Typography>
        )}
      </Stack>
      {state.kind === "failed" && (
        <Alert severity="error" data-testid="model-runner-failure">
          <AlertTitle>Docker Model Runner could not pull it</AlertTitle>
          {state.message}
        </Alert>
      )}
    </Stack>
  );
}
