import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Alert,
  Button,
  Chip,
  FormControlLabel,
  Link,
  MenuItem,
  Radio,
  RadioGroup,
  Stack,
  TextField,
  Typography,
} from "@mui/material";
import ExpandMoreIcon from "@mui/icons-material/ExpandMore";
import { LayerPackaging, modeHelp, type PublishMode } from "@model-publisher/contract";
import { ErrorNotice } from "../components/states.js";
import { defaultArtifactName } from "./publish-defaults.js";
import type { PublishDraft } from "./use-publish-request.js";

const modeLabels: Record<PublishMode, string> = { native: "Native (no BuildKit)", direct: "Direct", export: "Export" };

/** The mode chosen for the user, with its reason, and the way to change it. */
function ModeChoice({ draft }: { draft: PublishDraft }) {
  const { mode, auto, modeOverride, buildx } = draft;
  const builder = draft.builders.builder;
  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1} alignItems="center">
        <Chip label={`${mode} mode`} color="primary" variant="outlined" data-testid="publish-mode" />
        <Typography variant="body2" data-testid="mode-reason">
          {modeOverride ? modeHelp[mode] : auto.reason}
        </Typography>
      </Stack>
      <RadioGroup
        row
        value={mode}
        onChange={(event) => draft.setModeOverride(event.target.value as PublishMode)}
        aria-label="Mode"
      >
        {(["native", "direct", "export"] as const).map((option) => (
          <FormControlLabel
            key={option}
            value={option}
            control={<Radio size="small" />}
            label={`${modeLabels[option]}${auto.mode === option ? " · recommended" : ""}`}
            disabled={option !== "native" && !buildx}
          />
        ))}
      </RadioGroup>
      {modeOverride && (
        <Link
          component="button"
          variant="body2"
          onClick={() => draft.setModeOverride(undefined)}
          sx={{ alignSelf: "flex-start" }}
        >
          Use the recommended mode ({auto.mode})
        </Link>
      )}
      {mode === "direct" && builder && !builder.passthrough && (
        <Alert severity="warning">
          {builder.name} is not known to pass layouts through; a stock BuildKit pushes a plain image and the job fails.
          Export mode works with any builder.
        </Alert>
      )}
    </Stack>
  );
}

/** The builder a build uses, and a button that makes one. */
function BuilderPicker({ draft }: { draft: PublishDraft }) {
  const { list, builder, pick, create } = draft.builders;
  return (
    <Stack direction="row" spacing={1} alignItems="center">
      <TextField
        select
        size="small"
        label="Builder"
        value={builder?.name ?? ""}
        onChange={(event) => pick(event.target.value)}
        sx={{ minWidth: 280 }}
        helperText={list.length === 0 ? "No builders yet" : undefined}
      >
        {list.map((b) => (
          <MenuItem key={b.name} value={b.name}>
            {b.name} · {b.status}
            {b.passthrough ? " · passthrough" : ""}
            {b.origin === "engine" ? " · on your Docker engine" : ""}
          </MenuItem>
        ))}
      </TextField>
      <Button variant="outlined" onClick={() => void create()}>
        Create builder
      </Button>
    </Stack>
  );
}

/** Name and layer packaging, folded away, and what the file tree left out. */
function AdvancedOptions({ draft, modelId, exclude }: { draft: PublishDraft; modelId: string; exclude: string[] }) {
  return (
    <Accordion variant="outlined" disableGutters>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="body2">Advanced options</Typography>
      </AccordionSummary>
      <AccordionDetails>
        <Stack spacing={2}>
          <TextField
            size="small"
            label="Name"
            placeholder={defaultArtifactName(modelId)}
            value={draft.name}
            onChange={(event) => draft.setName(event.target.value)}
            error={draft.nameProblem !== undefined}
            helperText={draft.nameProblem ?? "The artifact's name; the repo name when left empty"}
          />
          <TextField
            select
            size="small"
            label="Layer packaging"
            value={draft.layerPackaging}
            onChange={(event) => draft.setLayerPackaging(event.target.value as LayerPackaging)}
            sx={{ maxWidth: 280 }}
            helperText="raw keeps each file's sha256 as its layer digest"
          >
            {LayerPackaging.options.map((option) => (
              <MenuItem key={option} value={option}>
                {option}
              </MenuItem>
            ))}
          </TextField>
          <Typography variant="body2" color="text.secondary">
            Left out: {exclude.length > 0 ? exclude.join(", ") : "nothing"}
          </Typography>
        </Stack>
      </AccordionDetails>
    </Accordion>
  );
}

/** How it is published: the mode, the builder (when there is buildx), and the advanced options. */
export function HowSection({ draft, modelId, exclude }: { draft: PublishDraft; modelId: string; exclude: string[] }) {
  const { buildx, builders } = draft;
  return (
    <>
      <Typography variant="h3" component="h2">
        How
      </Typography>
      <ModeChoice draft={draft} />
      {buildx && <BuilderPicker draft={draft} />}
      {builders.load.state === "error" && buildx && (
        <ErrorNotice error={builders.load.error} title="Builders could not be listed" onRetry={builders.load.reload} />
      )}
      <AdvancedOptions draft={draft} modelId={modelId} exclude={exclude} />
    </>
  );
}
