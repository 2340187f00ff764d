import { Stack, TextField, ToggleButton, ToggleButtonGroup, Typography } from "@mui/material";
import type { PublishTarget } from "@model-publisher/contract";
import { MoreTargets } from "./MoreTargets.js";
import type { PublishDraft } from "./use-publish-request.js";

/** Where it goes: the reference, validated as typed with its normalised form beneath, and the artifact type. */
export function TargetSection({ draft }: { draft: PublishDraft }) {
  const parsed = draft.parsedReference;
  return (
    <>
      <Typography variant="h3" component="h2">
        Target
      </Typography>
      <TextField
        label="Reference"
        value={draft.reference}
        onChange={(event) => draft.setReference(event.target.value)}
        error={!parsed.ok}
        helperText={
          parsed.ok ? <span data-testid="normalized-reference">{parsed.value.normalized}</span> : parsed.reason
        }
        inputProps={{ "aria-label": "Reference", spellCheck: false }}
        fullWidth
      />
      <MoreTargets draft={draft} />
      <Stack direction="row" spacing={2} alignItems="center">
        <Typography variant="body2" color="text.secondary">
          Artifact
        </Typography>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={draft.target}
          onChange={(_event, value: PublishTarget | null) => value && draft.setTarget(value)}
          aria-label="Artifact type"
        >
          <ToggleButton value="modelpack">ModelPack</ToggleButton>
          <ToggleButton value="generic">Generic OCI</ToggleButton>
        </ToggleButtonGroup>
      </Stack>
    </>
  );
}
