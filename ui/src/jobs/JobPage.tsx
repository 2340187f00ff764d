import { useState } from "react";
import { Alert, AlertTitle, Box, Button, Card, CardContent, Collapse, Link, Stack, Typography } from "@mui/material";
import { finishedStates, publishTargets, type Job } from "@model-publisher/contract";
import { cancelJob, publish } from "../api/backend.js";
import { BackendError, toast } from "../api/desktop.js";
import { JobProgress } from "./JobProgress.js";
import { JobStateChip } from "./JobStateChip.js";
import { RelativeTime } from "../components/RelativeTime.js";
import { ErrorNotice, Loading, nextStep } from "../components/states.js";
import { formatDuration } from "../components/units.js";
import type { Navigate } from "../app/hash-route.js";
import { useJobEvents } from "./use-job-events.js";
import { retryActions, type RetryAction } from "./retry-request.js";
import { PinnedReport } from "./PinnedReport.js";
import { partialPublish, targetsText } from "./target-outcome.js";
import { TargetReports } from "./TargetReports.js";

function JobFailure({ job, navigate }: { job: Job; navigate: Navigate }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const retry = async (action: RetryAction) => {
    setBusy(true);
    try {
      const { job: next } = await publish(action.request);
      toast("success", `Publishing to ${targetsText(publishTargets(next.request))} again.`);
      navigate({ page: "job", id: next.id });
    } catch (err) {
      toast("error", err instanceof BackendError ? err.message : "The publish could not be started.");
    } finally {
      setBusy(false);
    }
  };
  const error = job.error ?? { code: job.state, message: `The job was ${job.state}.` };
  // A partial publish says which targets failed, and the next step their failures share.
  const partial = partialPublish(job);
  const step = nextStep(new BackendError(partial?.code ?? error.code, error.message, 0));
  const title =
    job.state === "canceled"
      ? "Cancelled"
      : job.state === "interrupted"
        ? "Interrupted when the backend stopped"
        : partial
          ? "Some targets failed"
          : "Publishing failed";
  return (
    <Alert severity={job.state === "failed" ? "error" : "warning"} data-testid="job-failure">
      <AlertTitle>{title}</AlertTitle>
      <Typography variant="body2">{partial?.sentence ?? error.message}</Typography>
      {step && (
        <Typography variant="body2" sx={{ mt: 0.5 }}>
          {step}
        </Typography>
      )}
      {job.state === "interrupted" && (
        <Typography variant="body2" sx={{ mt: 0.5 }}>
          Blobs already in the registry are not uploaded twice when you publish again.
        </Typography>
      )}
      <Stack direction="row" spacing={1} sx={{ my: 1 }}>
        {retryActions(job).map((action, index) => (
          <Button
            key={action.label}
            variant={index === 0 ? "contained" : "outlined"}
            size="small"
            disabled={busy}
            onClick={() => void retry(action)}
          >
            {action.label}
          </Button>
        ))}
      </Stack>
      <Link component="button" variant="body2" onClick={() => setOpen((v) => !v)}>
        {open ? "Hide details" : "Details"}
      </Link>
      <Collapse in={open}>
        <Typography variant="body2">Code: {error.code}</Typography>
      </Collapse>
    </Alert>
  );
}

function Result({ job, navigate }: { job: Job; navigate: Navigate }) {
  const result = job.result;
  if (!result) return null;
  return (
    <Stack spacing={2}>
      <Alert
        severity="success"
        action={
          <Button
            variant="outlined"
            color="inherit"
            size="small"
            onClick={() => navigate({ page: "inspect", reference: result.reference })}
          >
            Compare with…
          </Button>
        }
      >
        <AlertTitle>Published {result.reference}</AlertTitle>
        Digest {result.digest}
      </Alert>
      <PinnedReport
        reference={result.reference}
        digest={result.digest}
        label="Reading the manifest back from the registry…"
      />
    </Stack>
  );
}

/** One job: live progress while it runs, the Inspect view of the pushed reference when it is done. */
export function JobPage({ id, navigate }: { id: string; navigate: Navigate }) {
  const { job, fold, error, reload } = useJobEvents(id);
  const [canceling, setCanceling] = useState(false);
  if (!job) {
    if (error)
      return (
        <ErrorNotice
          error={error}
          title={error.code === "job_not_found" ? "No such job" : undefined}
          onRetry={reload}
        />
      );
    return <Loading label="Loading the job…" />;
  }
  const finished = finishedStates.includes(job.state);
  const cancel = async () => {
    setCanceling(true);
    try {
      await cancelJob(job.id);
      reload();
    } catch (err) {
      toast("error", err instanceof BackendError ? err.message : "The job could not be cancelled.");
    } finally {
      setCanceling(false);
    }
  };
  const duration =
    job.startedAt && (job.finishedAt ?? !finished)
      ? (Date.parse(job.finishedAt ?? new Date().toISOString()) - Date.parse(job.startedAt)) / 1000
      : undefined;
  return (
    <Stack spacing={2} sx={{ maxWidth: 1200 }}>
      <Card variant="outlined" component="section" aria-label="Job">
        <CardContent>
          <Stack spacing={2}>
            <Stack direction="row" justifyContent="space-between" alignItems="flex-start" spacing={2}>
              <Box sx={{ minWidth: 0 }}>
                <Stack direction="row" spacing={1} alignItems="center">
                  <Typography variant="h3" component="h2" sx={{ overflowWrap: "anywhere" }}>
                    {targetsText(publishTargets(job.request))}
                  </Typography>
                  <JobStateChip state={job.state} />
                </Stack>
                <Typography variant="body2" color="text.secondary" component="div">
                  {job.request.source} · {job.request.target} · {job.mode ?? job.request.mode ?? "auto"} mode · started{" "}
                  <RelativeTime iso={job.startedAt ?? job.createdAt} component="span" />
                  {duration !== undefined && finished ? ` · took ${formatDuration(duration)}` : ""}
                </Typography>
              </Box>
              {!finished && (
                <Button variant="outlined" color="error" onClick={() => void cancel()} disabled={canceling}>
                  Cancel
                </Button>
              )}
            </Stack>
            {error && <ErrorNotice error={error} title="Lost touch with the backend; retrying" />}
            {(job.state === "failed" || job.state === "canceled" || job.state === "interrupted") && (
              <JobFailure job={job} navigate={navigate} />
            )}
            <JobProgress job={job} fold={fold} />
          </Stack>
        </CardContent>
      </Card>
      {job.state === "succeeded" && publishTargets(job.request).length === 1 && (
        <Result job={job} navigate={navigate} />
      )}
      <TargetReports job={job} />
    </Stack>
  );
}
