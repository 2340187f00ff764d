import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  LinearProgress,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  Stack,
  Typography,
} from "@mui/material";
import ExpandMoreIcon from "@mui/icons-material/ExpandMore";
import { logWindow, type FoldedFile, type FoldedStep, type Job, type JobFold } from "@model-publisher/contract";
import { formatBytes, formatDuration, formatRate } from "../components/units.js";
import { listedSteps } from "./target-outcome.js";
import { StateIcon } from "./StateIcon.js";
import { TargetRows } from "./TargetRows.js";

function FileBar({ file }: { file: FoldedFile }) {
  const fraction = file.total ? Math.min(1, file.done / file.total) : undefined;
  const status = file.status ?? (fraction === 1 ? "verified" : "transferring");
  return (
    <Box data-testid="file-progress">
      <Stack direction="row" justifyContent="space-between" spacing={2}>
        <Typography variant="body2" sx={{ overflowWrap: "anywhere" }}>
          {file.name}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ whiteSpace: "nowrap" }}>
          {status} · {formatBytes(file.done)}
          {file.total !== undefined ? ` of ${formatBytes(file.total)}` : ""}
        </Typography>
      </Stack>
      <LinearProgress
        variant={fraction === undefined ? "indeterminate" : "determinate"}
        value={(fraction ?? 0) * 100}
        color={status === "verified" || status === "done" ? "success" : "primary"}
        // Skipped files were already in the registry: shown full but faded, since nothing moved.
        sx={status === "skipped" ? { opacity: 0.35 } : undefined}
        aria-label={`${file.name} ${status}`}
      />
    </Box>
  );
}

/**
 * The job's progress as the live fold has it (folded from its first event, so it equals the job record's once caught
 * up, and moves with every event); the record's until the first events arrive.
 */
function liveProgress(job: Job, fold: JobFold): Job["progress"] {
  return fold.next > 0 ? fold.progress : job.progress;
}

/** The overall line: bytes, rate and time left while it runs, and the step count. */
function overall(job: Job, fold: JobFold) {
  const progress = liveProgress(job, fold);
  const done = progress.bytesDone ?? 0;
  const total = progress.bytesTotal;
  const running = job.state === "running" || job.state === "queued";
  const rate = running ? progress.rate : undefined;
  const eta = progress.etaSeconds ?? (rate && total ? (total - done) / rate : undefined);
  const fraction = total ? Math.min(1, done / total) : undefined;
  const stepsFraction =
    progress.stepsTotal && progress.stepsDone !== undefined ? progress.stepsDone / progress.stepsTotal : undefined;
  const summary = [
    total ? `${formatBytes(done)} of ${formatBytes(total)}` : done > 0 ? formatBytes(done) : undefined,
    rate ? formatRate(rate) : undefined,
    eta !== undefined && running && Number.isFinite(eta) ? `about ${formatDuration(eta)} left` : undefined,
    progress.stepsTotal ? `step ${progress.stepsDone ?? 0} of ${progress.stepsTotal}` : undefined,
  ].filter(Boolean);
  return { running, summary, value: job.state === "succeeded" ? 1 : (fraction ?? stepsFraction) };
}

function OverallBar({ job, fold }: { job: Job; fold: JobFold }) {
  const { running, summary, value } = overall(job, fold);
  return (
    <Box>
      <Stack direction="row" justifyContent="space-between">
        <Typography variant="body2">{liveProgress(job, fold).step ?? liveProgress(job, fold).phase}</Typography>
        <Typography variant="body2" color="text.secondary" data-testid="overall-progress">
          {summary.join(" · ")}
        </Typography>
      </Stack>
      <LinearProgress
        variant={value === undefined && running ? "indeterminate" : "determinate"}
        value={(value ?? 0) * 100}
        color={job.state === "failed" ? "error" : job.state === "succeeded" ? "success" : "primary"}
        aria-label="Overall progress"
        sx={{ height: 8, borderRadius: 1 }}
      />
    </Box>
  );
}

function StepList({ steps }: { steps: FoldedStep[] }) {
  return (
    <Box>
      <Typography variant="h4" component="h3">
        Steps
      </Typography>
      <List dense aria-label="Steps">
        {steps.map((step) => (
          <ListItem key={step.id} disableGutters data-testid="job-step">
            <ListItemIcon sx={{ minWidth: 32 }}>
              <StateIcon state={step.status} />
            </ListItemIcon>
            <ListItemText
              primary={step.name}
              secondary={
                step.error ?? (step.status === "cached" || step.status === "skipped" ? step.status : undefined)
              }
            />
          </ListItem>
        ))}
      </List>
    </Box>
  );
}

function FileList({ files }: { files: FoldedFile[] }) {
  return (
    <Box>
      <Typography variant="h4" component="h3" sx={{ mb: 1 }}>
        Files
      </Typography>
      <Stack spacing={1.5}>
        {files.map((file) => (
          <FileBar key={file.id} file={file} />
        ))}
      </Stack>
    </Box>
  );
}

function LogPanel({ fold }: { fold: JobFold }) {
  return (
    <Accordion variant="outlined" disableGutters TransitionProps={{ unmountOnExit: true }}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="body2" data-testid="log-summary">
          Log · {fold.logLines} {fold.logLines === 1 ? "line" : "lines"}
          {fold.logLines > logWindow ? ` (last ${logWindow} shown)` : ""}
        </Typography>
      </AccordionSummary>
      <AccordionDetails>
        <Box
          component="pre"
          aria-label="Log"
          sx={{
            m: 0,
            maxHeight: 320,
            overflow: "auto",
            typography: "body2",
            fontFamily: "monospace",
            whiteSpace: "pre-wrap",
          }}
        >
          {fold.log.join("\n") || "No output yet."}
        </Box>
      </AccordionDetails>
    </Accordion>
  );
}

/** Overall bar, a row per target when there are several, steps, per-file bars and the bounded log of one job. */
export function JobProgress({ job, fold }: { job: Job; fold: JobFold }) {
  const steps = listedSteps(job, fold);
  return (
    <Stack spacing={2}>
      <OverallBar job={job} fold={fold} />
      <TargetRows job={job} fold={fold} />
      {steps.length > 0 && <StepList steps={steps} />}
      {fold.files.size > 0 && <FileList files={[...fold.files.values()]} />}
      <LogPanel fold={fold} />
    </Stack>
  );
}
