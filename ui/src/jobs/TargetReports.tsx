import { Alert, AlertTitle, Box, Stack, Typography } from "@mui/material";
import { publishTargets, type Job, type TargetResult } from "@model-publisher/contract";
import { getManifest } from "../api/backend.js";
import { BackendError } from "../api/desktop.js";
import { ErrorNotice, Loading, nextStep } from "../components/states.js";
import { useLoad } from "../components/use-load.js";
import { ManifestView } from "../inspect/ManifestView.js";
import { pinnedReference } from "./pinned-reference.js";
import { sharedDigest } from "./target-outcome.js";

/** A published target: the Inspect report of what it holds, read back from its registry by digest. */
function PublishedReport({ reference, digest }: { reference: string; digest: string }) {
  const pinned = pinnedReference(reference, digest);
  const report = useLoad(() => getManifest(pinned), `result:${pinned}`);
  if (report.state === "loading") return <Loading label={`Reading ${reference} back from its registry…`} />;
  if (report.state === "error") return <ErrorNotice error={report.error} onRetry={report.reload} />;
  return <ManifestView report={report.data} />;
}

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
            <PublishedReport reference={outcome.reference} digest={outcome.digest} />
          ) : (
            <FailedTarget outcome={outcome} />
          )}
        </Box>
      ))}
    </Stack>
  );
}
