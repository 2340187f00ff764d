import { Button, IconButton, Stack, TextField, Tooltip, Typography } from "@mui/material";
import AddIcon from "@mui/icons-material/Add";
import CloseIcon from "@mui/icons-material/Close";
import { checkTargets, type TargetCheck } from "./target-list.js";
import type { PublishDraft } from "./use-publish-request.js";

interface TargetFieldProps {
  /** Its place among the targets, the reference field being 1. */
  number: number;
  text: string;
  check: TargetCheck | undefined;
  onChange: (text: string) => void;
  onRemove: () => void;
}

/** One more target: validated as typed like the reference field, its normalised form beneath, and removable. */
function TargetField({ number, text, check, onChange, onRemove }: TargetFieldProps) {
  const helper = check?.ok ? (
    <span data-testid="normalized-target">{check.normalized}</span>
  ) : (
    (check?.problem ?? "Another registry or repository: the model is downloaded once for every target.")
  );
  return (
    <Stack direction="row" spacing={1} alignItems="flex-start" data-testid="more-target">
      <TextField
        label={`Reference ${number}`}
        value={text}
        onChange={(event) => onChange(event.target.value)}
        error={check !== undefined && !check.ok && check.problem !== undefined}
        helperText={helper}
        placeholder="registry/repository:tag"
        inputProps={{ "aria-label": `Reference ${number}`, spellCheck: false }}
        autoFocus
        fullWidth
      />
      <Tooltip title="Remove this target">
        <IconButton aria-label={`Remove target ${number}`} onClick={onRemove} sx={{ mt: 1 }}>
          <CloseIcon />
        </IconButton>
      </Tooltip>
    </Stack>
  );
}

/** The targets after the reference field, and "Add another target" (up to the contract's maximum). */
export function MoreTargets({ draft }: { draft: PublishDraft }) {
  const { moreTargets } = draft;
  const checks = checkTargets([draft.reference, ...moreTargets.texts]).slice(1);
  return (
    <Stack spacing={2}>
      {moreTargets.fields.map((field, index) => (
        <TargetField
          key={field.id}
          number={index + 2}
          text={field.text}
          check={checks[index]}
          onChange={(text) => moreTargets.edit(field.id, text)}
          onRemove={() => moreTargets.remove(field.id)}
        />
      ))}
      <Stack direction="row" spacing={1.5} alignItems="center">
        <Button
          variant="text"
          startIcon={<AddIcon />}
          onClick={moreTargets.add}
          disabled={Boolean(moreTargets.blocked)}
        >
          Add another target
        </Button>
        {moreTargets.blocked && (
          <Typography variant="body2" color="text.secondary" data-testid="add-target-blocked">
            {moreTargets.blocked}
          </Typography>
        )}
      </Stack>
    </Stack>
  );
}
