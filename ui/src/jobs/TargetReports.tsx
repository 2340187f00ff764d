import { Alert, AlertTitle, Box, Stack, Typography } from "@mui/material";
import { publishTargets, type Job, type TargetResult } from "@model-publisher/contract";
import { BackendError } from "../api/desktop.js";
import { nextStep } from "../components/states.js";
import { PinnedReport } from "./PinnedReport.js";
import { sharedDigest } from "./target-outcome.js";

/** A target that failed: what happened to it, and what to do next. */
function FailedTarget({ outcome }: { outcome: TargetResult }) {
  const error = outcome.error ?? { code: "internal", message: "This target was not published." };
  const step = nextStep(new BackendError(error.code, error.message, 0));
  return (
    <Alert severity="error" data-testid="target-failure">
      <AlertTitle>Not published to {outcome.reference}</AlertTitle>
      <Typography variant="body2">{error.message}</Typography>
      {step && (
        <Typography variant="body2" sx={{ mt: 0.5 }}>
          {step}
        </Typography>
      )}
    </Alert>
  );
}

/** How each target ended: the job's per-target results, else (a job that succeeded) its one digest on every target. */
function outcomesOf(job: Job): TargetResult[] {
  if (job.result?.references) return job.result.references;
  const digest = job.result?.digest;
  if (job.state !== "succeeded" || !digest) return [];
  return publishTargets(job.request).map((reference) => ({ reference, state: "succeeded", digest }));
}

/** The result of a several-target publish: one report per target, saying when they are all the same artifact. */
export function TargetReports({ job }: { job: Job }) {
  const outcomes = outcomesOf(job);
  if (publishTargets(job.request).length < 2 || outcomes.length === 0) return null;
  const shared = sharedDigest(outcomes);
  return (
    <Stack spacing={2}>
      {job.state === "succeeded" && (
        <Alert severity="success">
          <AlertTitle>Published to {outcomes.length} targets</AlertTitle>
          {shared ? (
            <span data-testid="shared-digest">Identical on every target: digest {shared}</span>
          ) : (
            "The targets hold different digests; each report below has its own."
          )}
        </Alert>
      )}
      {outcomes.map((outcome) => (
        <Box
          key={outcome.reference}
          component="section"
          aria-label={`Target ${outcome.reference}`}
          data-testid="target-report"
        >
          <Typography variant="h3" component="h2" sx={{ mb: 1, overflowWrap: "anywhere" }}>
            {outcome.reference}
          </Typography>
          {outcome.state === "succeeded" && outcome.digest ? (
            <PinnedReport
              reference={outcome.reference}
              digest={outcome.digest}
              label={`Reading ${outcome.reference} back from its registry…`}
            />
          ) : (
            <FailedTarget outcome={outcome} />
          )}
        </Box>
      ))}
    </Stack>
  );
}
