import { useEffect, useMemo, useState } from "react";
import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Alert,
  Button,
  Card,
  CardContent,
  Chip,
  FormControlLabel,
  Link,
  MenuItem,
  Radio,
  RadioGroup,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from "@mui/material";
import ExpandMoreIcon from "@mui/icons-material/ExpandMore";
import {
  ArtifactName,
  LayerPackaging,
  PublishRequest,
  huggingFaceSource,
  parseReference,
  type PublishMode,
  type PublishRequestInput,
  type PublishTarget,
} from "@model-publisher/contract";
import { createBuilder, getBuilders, publish } from "../api/backend.js";
import { BackendError, toast } from "../api/desktop.js";
import { useAppStatus } from "../app/app-status.js";
import type { Navigate } from "../app/hash-route.js";
import { useLoad } from "../components/use-load.js";
import { chooseMode, defaultArtifactName, defaultReference, modeHelp } from "./publish-defaults.js";
import { ErrorNotice } from "../components/states.js";

export interface PublishFormProps {
  modelId: string;
  revision: string;
  exclude: string[];
  /** False until the model card has loaded. */
  ready: boolean;
  navigate: Navigate;
}

/** Target, how, and the one Publish button. */
export function PublishForm({ modelId, revision, exclude, ready, navigate }: PublishFormProps) {
  const { settings, health } = useAppStatus();
  const builders = useLoad(getBuilders, "builders");
  const suggested = defaultReference(modelId, revision, settings.data?.registries);
  const [reference, setReference] = useState(suggested);
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited) setReference(suggested);
  }, [suggested, edited]);
  const [target, setTarget] = useState<PublishTarget>("modelpack");
  const [modeOverride, setModeOverride] = useState<PublishMode>();
  const [builderName, setBuilderName] = useState<string>();
  const [name, setName] = useState("");
  const [layerPackaging, setLayerPackaging] = useState<LayerPackaging>("raw");
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<BackendError>();

  const builderList = builders.data?.builders ?? [];
  const builder =
    builderList.find((b) => b.name === builderName) ??
    builderList.find((b) => b.name === settings.data?.defaultBuilder) ??
    builderList.find((b) => b.passthrough) ??
    builderList.find((b) => b.current);
  const buildx = Boolean(health.data?.docker.buildx);
  const auto = chooseMode(builder, buildx);
  const mode = modeOverride ?? auto.mode;

  const parsed = parseReference(reference.trim());
  const nameProblem = name && !ArtifactName.safeParse(name).success ? "lowercase letters, digits, . _ -" : undefined;
  const request: PublishRequestInput = useMemo(
    () => ({
      source: huggingFaceSource(modelId, revision),
      reference: reference.trim(),
      target,
      // An automatic native choice is left to the backend, which applies the same rule and knows its runners.
      ...(modeOverride || mode !== "native" ? { mode } : {}),
      ...(name ? { name } : {}),
      ...(layerPackaging !== "raw" ? { layerPackaging } : {}),
      ...(exclude.length > 0 ? { exclude } : {}),
      ...(mode !== "native" && builder ? { builder: builder.name } : {}),
    }),
    [modelId, revision, reference, target, mode, modeOverride, name, layerPackaging, exclude, builder],
  );
  const valid = PublishRequest.safeParse(request);

  const submit = async () => {
    if (!valid.success) return;
    setSubmitting(true);
    setFailure(undefined);
    try {
      const { job } = await publish(request);
      toast("success", `Publishing ${modelId} to ${job.request.reference}.`);
      navigate({ page: "job", id: job.id });
    } catch (err) {
      setFailure(err instanceof BackendError ? err : undefined);
    } finally {
      setSubmitting(false);
    }
  };

  const makeBuilder = async () => {
    try {
      const taken = new Set(builderList.map((b) => b.name));
      let fresh = "model-publisher";
      for (let n = 2; taken.has(fresh); n += 1) fresh = `model-publisher-${n}`;
      const created = await createBuilder({ name: fresh });
      toast("success", `Builder ${created.builder.name} created.`);
      setBuilderName(created.builder.name);
      builders.reload();
    } catch (err) {
      toast("error", err instanceof BackendError ? err.message : "The builder could not be created.");
    }
  };

  return (
    <Card variant="outlined" component="section" aria-label="Publish">
      <CardContent>
        <Stack spacing={2.5}>
          <Typography variant="h3" component="h2">
            Target
          </Typography>
          <TextField
            label="Reference"
            value={reference}
            onChange={(event) => {
              setReference(event.target.value);
              setEdited(true);
            }}
            error={!parsed.ok}
            helperText={
              parsed.ok ? <span data-testid="normalized-reference">{parsed.value.normalized}</span> : parsed.reason
            }
            inputProps={{ "aria-label": "Reference", spellCheck: false }}
            fullWidth
          />
          <Stack direction="row" spacing={2} alignItems="center">
            <Typography variant="body2" color="text.secondary">
              Artifact
            </Typography>
            <ToggleButtonGroup
              size="small"
              exclusive
              value={target}
              onChange={(_event, value: PublishTarget | null) => value && setTarget(value)}
              aria-label="Artifact type"
            >
              <ToggleButton value="modelpack">ModelPack</ToggleButton>
              <ToggleButton value="generic">Generic OCI</ToggleButton>
            </ToggleButtonGroup>
          </Stack>

          <Typography variant="h3" component="h2">
            How
          </Typography>
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
              onChange={(event) => setModeOverride(event.target.value as PublishMode)}
              aria-label="Mode"
            >
              <FormControlLabel
                value="native"
                control={<Radio size="small" />}
                label={`Native (no BuildKit)${auto.mode === "native" ? " · recommended" : ""}`}
              />
              <FormControlLabel
                value="direct"
                control={<Radio size="small" />}
                label={`Direct${auto.mode === "direct" ? " · recommended" : ""}`}
                disabled={!buildx}
              />
              <FormControlLabel
                value="export"
                control={<Radio size="small" />}
                label={`Export${auto.mode === "export" ? " · recommended" : ""}`}
                disabled={!buildx}
              />
            </RadioGroup>
            {modeOverride && (
              <Link
                component="button"
                variant="body2"
                onClick={() => setModeOverride(undefined)}
                sx={{ alignSelf: "flex-start" }}
              >
                Use the recommended mode ({auto.mode})
              </Link>
            )}
            {mode === "direct" && builder && !builder.passthrough && (
              <Alert severity="warning">
                {builder.name} is not known to pass layouts through; a stock BuildKit pushes a plain image and the job
                fails. Export mode works with any builder.
              </Alert>
            )}
          </Stack>
          {buildx && (
            <Stack direction="row" spacing={1} alignItems="center">
              <TextField
                select
                size="small"
                label="Builder"
                value={builder?.name ?? ""}
                onChange={(event) => setBuilderName(event.target.value)}
                sx={{ minWidth: 280 }}
                helperText={builderList.length === 0 ? "No builders yet" : undefined}
              >
                {builderList.map((b) => (
                  <MenuItem key={b.name} value={b.name}>
                    {b.name} · {b.status}
                    {b.passthrough ? " · passthrough" : ""}
                  </MenuItem>
                ))}
              </TextField>
              <Button variant="outlined" onClick={() => void makeBuilder()}>
                Create builder
              </Button>
            </Stack>
          )}
          {builders.state === "error" && buildx && (
            <ErrorNotice error={builders.error} title="Builders could not be listed" onRetry={builders.reload} />
          )}
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
                  value={name}
                  onChange={(event) => setName(event.target.value)}
                  error={nameProblem !== undefined}
                  helperText={nameProblem ?? "The artifact's name; the repo name when left empty"}
                />
                <TextField
                  select
                  size="small"
                  label="Layer packaging"
                  value={layerPackaging}
                  onChange={(event) => setLayerPackaging(event.target.value as LayerPackaging)}
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
          {failure && <ErrorNotice error={failure} title="The job could not start" />}
          <Stack direction="row" spacing={2} alignItems="center">
            <Button
              variant="contained"
              size="large"
              onClick={() => void submit()}
              disabled={!ready || !valid.success || submitting}
            >
              Publish
            </Button>
            {!valid.success && ready && parsed.ok && (
              <Typography variant="body2" color="error">
                {issueText(valid.error.issues[0])}
              </Typography>
            )}
          </Stack>
        </Stack>
      </CardContent>
    </Card>
  );
}

/** A request problem for people: the field it is about, then what is wrong with it. */
function issueText(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return "";
  const field = issue.path.map(String).join(".");
  return field ? `${field}: ${issue.message}` : issue.message;
}
