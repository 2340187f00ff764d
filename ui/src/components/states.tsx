import { useState, type ReactNode } from "react";
import { Alert, AlertTitle, Box, Button, CircularProgress, Collapse, Link, Stack, Typography } from "@mui/material";
import InboxOutlinedIcon from "@mui/icons-material/InboxOutlined";
import type { BackendError } from "../api/desktop.js";

/** Designed loading, empty and error states, shared by every page. */

export function Loading({ label }: { label: string }) {
  return (
    <Stack direction="row" spacing={1.5} alignItems="center" sx={{ py: 3, px: 1 }} role="status" aria-live="polite">
      <CircularProgress size={20} />
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
    </Stack>
  );
}

export function Empty({ title, hint, action }: { title: string; hint?: string; action?: ReactNode }) {
  return (
    <Stack alignItems="center" spacing={1} sx={{ py: 5, textAlign: "center" }}>
      <InboxOutlinedIcon color="disabled" fontSize="large" />
      <Typography variant="h4">{title}</Typography>
      {hint && (
        <Typography variant="body2" color="text.secondary" sx={{ maxWidth: 420 }}>
          {hint}
        </Typography>
      )}
      {action}
    </Stack>
  );
}

/** What to do next, in one sentence, for the codes a person can act on. */
export function nextStep(error: BackendError): string | undefined {
  switch (error.code) {
    case "gated_model":
      return "Add a Hugging Face token that has access to this model in Settings.";
    case "hub_rate_limited":
      return "The Hub is limiting requests; wait a minute, or add a Hub token in Settings.";
    case "hub_unreachable":
      return "Check the network connection to the Hugging Face Hub and try again.";
    case "registry_unauthorized":
    case "registry_denied":
      return "Sign in to the registry with an account that can push there (Settings › Registries).";
    case "registry_unreachable":
      return "Check the registry address and that it is running.";
    case "builder_not_passthrough":
      return "This builder pushed a plain image: publish again in export or native mode.";
    case "build_failed":
      return "The build's last lines below say why; native mode publishes without BuildKit.";
    case "builder_not_found":
      return "Pick another builder, create one in Settings › Builders, or publish in native mode.";
    case "builder_error":
      return "The builder is not running; check it in Settings › Builders, or publish in native mode.";
    case "registry_error":
      return "The registry turned the push down; check the reference and that the registry accepts OCI artifacts.";
    case "integrity_error":
      return "The bytes did not match what the Hub lists; publish again, and if it repeats, the file on the Hub changed.";
    case "timeout":
      return "Nothing moved for too long; check the connection to the Hub and the registry, then publish again.";
    case "model_not_found":
      return "Check the model id and revision; a private model needs a Hub token with access (Settings).";
    case "unsafe_file_path":
      return "This repo lists a file path that cannot be a file; it cannot be published as it is.";
    case "buildx_unavailable":
      return "Use native mode, which needs no docker CLI or buildx.";
    case "partial_publish":
      return "Publish again to the targets that failed; the others already hold the artifact.";
    case "not_found":
      return "This backend does not offer this yet; update Model Publisher.";
    case "backend_unreachable":
      return "Restart Model Publisher.";
    default:
      return undefined;
  }
}

const titles: Record<string, string> = {
  model_not_found: "Model not found",
  gated_model: "This model needs a Hub token with access",
  hub_unreachable: "The Hugging Face Hub did not answer",
  hub_rate_limited: "Too many requests to the Hub",
  invalid_reference: "That reference is not valid",
  registry_unauthorized: "The registry asked for credentials",
  registry_denied: "The registry refused access",
  registry_unreachable: "The registry did not answer",
  manifest_not_found: "Nothing is stored under that reference",
  backend_unreachable: "The backend is not reachable",
  not_found: "Not available",
};

export function ErrorNotice({
  error,
  title,
  onRetry,
  action,
}: {
  error: BackendError;
  title?: string;
  onRetry?: () => void;
  action?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const step = nextStep(error);
  return (
    <Alert
      severity="error"
      role="alert"
      action={
        <Stack direction="row" spacing={1}>
          {action}
          {onRetry && (
            <Button color="inherit" size="small" variant="outlined" onClick={onRetry} sx={{ whiteSpace: "nowrap" }}>
              Try again
            </Button>
          )}
        </Stack>
      }
    >
      <AlertTitle>{title ?? titles[error.code] ?? "Something went wrong"}</AlertTitle>
      <Typography variant="body2">{error.message}</Typography>
      {step && (
        <Typography variant="body2" sx={{ mt: 0.5 }}>
          {step}
        </Typography>
      )}
      <Link component="button" variant="body2" onClick={() => setOpen((v) => !v)} sx={{ mt: 0.5 }}>
        {open ? "Hide details" : "Details"}
      </Link>
      <Collapse in={open}>
        <Box component="dl" sx={{ m: 0, mt: 0.5, typography: "body2" }}>
          <span>Code: {error.code}</span>
          {error.status > 0 && <span> · HTTP {error.status}</span>}
        </Box>
      </Collapse>
    </Alert>
  );
}
