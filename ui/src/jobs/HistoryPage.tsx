import { Button, Stack, TableCell, TableRow, Tooltip, Typography } from "@mui/material";
import { useEffect, useRef, useState } from "react";
import type { Job } from "@model-publisher/contract";
import { listJobs } from "../api/backend.js";
import { BackendError, toast } from "../api/desktop.js";
import type { Navigate } from "../app/hash-route.js";
import { DataTable } from "../components/DataTable.js";
import { RelativeTime } from "../components/RelativeTime.js";
import { Empty, ErrorNotice, Loading } from "../components/states.js";
import { formatDuration } from "../components/units.js";
import { useLoad } from "../components/use-load.js";
import { JobStateChip } from "./JobStateChip.js";
import { useRunningJobs } from "./running-jobs.js";
import { jobTargetsText } from "./target-outcome.js";

function duration(job: Job): string {
  if (!job.startedAt) return "—";
  const end = job.finishedAt ? Date.parse(job.finishedAt) : Date.now();
  return formatDuration((end - Date.parse(job.startedAt)) / 1000);
}

/** Jobs per page of the history. */
export const historyPageSize = 50;

/**
 * The newest page of jobs, read again whenever a running job starts, moves on or ends, and older pages on demand
 * (asked for with `before` the last job shown) below it.
 */
function useJobHistory() {
  const jobs = useLoad(() => listJobs({ limit: historyPageSize }), "jobs");
  const [older, setOlder] = useState<{ jobs: Job[]; more: boolean; loading: boolean }>({
    jobs: [],
    more: true,
    loading: false,
  });
  const running = useRunningJobs();
  const runningKey = running.map((job) => `${job.id}:${job.state}`).join(" ");
  const { reload } = jobs;
  const seenKey = useRef(runningKey);
  useEffect(() => {
    if (runningKey !== seenKey.current) reload();
    seenKey.current = runningKey;
  }, [runningKey, reload]);
  const newest = jobs.data?.jobs ?? [];
  const seen = new Set(newest.map((job) => job.id));
  const list = [...newest, ...older.jobs.filter((job) => !seen.has(job.id))];
  const showOlder = async () => {
    const last = list.at(-1);
    if (!last) return;
    setOlder((o) => ({ ...o, loading: true }));
    try {
      const page = await listJobs({ limit: historyPageSize, before: last.id });
      setOlder((o) => ({
        jobs: [...o.jobs, ...page.jobs],
        more: page.jobs.length === historyPageSize,
        loading: false,
      }));
    } catch (err) {
      setOlder((o) => ({ ...o, loading: false }));
      toast("error", err instanceof BackendError ? err.message : "Older jobs could not be loaded.");
    }
  };
  const canShowOlder = older.more && (older.jobs.length > 0 || newest.length === historyPageSize);
  return { jobs, list, canShowOlder, loadingOlder: older.loading, showOlder };
}

function JobRow({ job, navigate }: { job: Job; navigate: Navigate }) {
  return (
    <TableRow
      hover
      tabIndex={0}
      sx={{ cursor: "pointer" }}
      onClick={() => navigate({ page: "job", id: job.id })}
      onKeyDown={(event) => event.key === "Enter" && navigate({ page: "job", id: job.id })}
      data-testid="history-row"
    >
      <TableCell>
        <JobStateChip state={job.state} />
      </TableCell>
      <TableCell sx={{ overflowWrap: "anywhere" }}>{jobTargetsText(job)}</TableCell>
      <TableCell sx={{ overflowWrap: "anywhere" }}>{job.request.source.replace(/^huggingface:\/\//, "")}</TableCell>
      <TableCell>
        {job.result ? (
          <Tooltip title={job.result.digest}>
            <Typography variant="body2" sx={{ fontFamily: "monospace" }}>
              {job.result.digest.slice(0, 19)}…
            </Typography>
          </Tooltip>
        ) : (
          "—"
        )}
      </TableCell>
      <TableCell sx={{ whiteSpace: "nowrap" }}>{duration(job)}</TableCell>
      <TableCell sx={{ whiteSpace: "nowrap" }}>
        <RelativeTime iso={job.createdAt} />
      </TableCell>
    </TableRow>
  );
}

/** Past and running jobs, newest first, older pages on demand; each opens its progress or result page. */
export function HistoryPage({ navigate }: { navigate: Navigate }) {
  const { jobs, list, canShowOlder, loadingOlder, showOlder } = useJobHistory();
  if (jobs.state === "loading" && !jobs.data) return <Loading label="Loading the history…" />;
  if (jobs.state === "error") return <ErrorNotice error={jobs.error} onRetry={jobs.reload} />;
  if (list.length === 0) {
    return (
      <Empty
        title="No publish jobs yet"
        hint="Jobs you start on the Publish tab show up here, with their digest and how long they took."
        action={
          <Button variant="outlined" onClick={() => navigate({ page: "publish" })}>
            Find a model
          </Button>
        }
      />
    );
  }
  return (
    <Stack spacing={1} sx={{ maxWidth: 1400 }}>
      <Stack direction="row" justifyContent="flex-end">
        <Button variant="outlined" size="small" onClick={jobs.reload}>
          Refresh
        </Button>
      </Stack>
      <DataTable label="Jobs" columns={["State", "Reference", "Model", "Digest", "Duration", "Started"]}>
        {list.map((job) => (
          <JobRow key={job.id} job={job} navigate={navigate} />
        ))}
      </DataTable>
      {canShowOlder && (
        <Stack direction="row" justifyContent="center">
          <Button variant="outlined" size="small" onClick={() => void showOlder()} disabled={loadingOlder}>
            Show older jobs
          </Button>
        </Stack>
      )}
    </Stack>
  );
}
