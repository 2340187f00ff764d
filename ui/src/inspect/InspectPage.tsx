import { useEffect, useState } from "react";
import { Button, Card, CardContent, Stack, TextField, Typography } from "@mui/material";
import { parseReference } from "@model-publisher/contract";
import { compareManifests, getManifest } from "../api/backend.js";
import { CompareView } from "./CompareView.js";
import { ManifestView } from "./ManifestView.js";
import { Empty, ErrorNotice, Loading } from "../components/states.js";
import type { Navigate, Route } from "../app/hash-route.js";
import { useLoad } from "../components/use-load.js";

function ReferenceField({
  label,
  initial,
  action,
  variant,
  onSubmit,
}: {
  label: string;
  initial?: string;
  action: string;
  variant: "contained" | "outlined";
  onSubmit: (reference: string) => void;
}) {
  const [text, setText] = useState(initial ?? "");
  useEffect(() => setText(initial ?? ""), [initial]);
  const parsed = text.trim() ? parseReference(text.trim()) : undefined;
  const submit = () => parsed?.ok && onSubmit(text.trim());
  return (
    <Stack direction="row" spacing={1} alignItems="flex-start">
      <TextField
        fullWidth
        size="small"
        label={label}
        placeholder="localhost:5000/acme/tiny-llm:latest"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => event.key === "Enter" && submit()}
        error={parsed !== undefined && !parsed.ok}
        helperText={parsed === undefined ? " " : parsed.ok ? parsed.value.normalized : parsed.reason}
        inputProps={{ "aria-label": label, spellCheck: false }}
      />
      <Button variant={variant} onClick={submit} disabled={!parsed?.ok} sx={{ flexShrink: 0 }}>
        {action}
      </Button>
    </Stack>
  );
}

/** The manifest viewer, and Compare when a second reference is given. */
export function InspectPage({ route, navigate }: { route: Route & { page: "inspect" }; navigate: Navigate }) {
  const { reference, compare } = route;
  const report = useLoad(reference ? () => getManifest(reference) : undefined, `manifest:${reference}`);
  const comparison = useLoad(
    reference && compare ? () => compareManifests(reference, compare) : undefined,
    `compare:${reference}:${compare}`,
  );
  return (
    <Stack spacing={2} sx={{ maxWidth: 1200 }}>
      <ReferenceField
        label="Reference"
        initial={reference}
        action="Inspect"
        variant="contained"
        onSubmit={(next) => navigate({ page: "inspect", reference: next })}
      />
      {!reference && (
        <Empty
          title="Inspect what is in a registry"
          hint="Enter a reference (tag or digest) to see its digest, layers, config and the commands to pull it."
        />
      )}
      {reference && (
        <Card variant="outlined" component="section" aria-label="Compare">
          <CardContent>
            <Typography variant="h4" component="h2" sx={{ mb: 1.5 }}>
              Compare with…
            </Typography>
            <ReferenceField
              label="Other reference"
              initial={compare}
              action="Compare"
              variant="outlined"
              onSubmit={(other) => navigate({ page: "inspect", reference, compare: other })}
            />
            {compare && comparison.state === "loading" && <Loading label="Comparing the manifests…" />}
            {compare && comparison.state === "error" && (
              <ErrorNotice error={comparison.error} onRetry={comparison.reload} />
            )}
            {compare && comparison.state === "ok" && (
              <CompareView left={reference} right={compare} result={comparison.data} />
            )}
          </CardContent>
        </Card>
      )}
      {reference && report.state === "loading" && <Loading label={`Reading ${reference} from the registry…`} />}
      {reference && report.state === "error" && <ErrorNotice error={report.error} onRetry={report.reload} />}
      {reference && report.state === "ok" && <ManifestView report={report.data} />}
    </Stack>
  );
}
