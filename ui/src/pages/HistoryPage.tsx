import {
  Button,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from "@mui/material";
import { useEffect } from "react";
import { finishedStates, type Job } from "@model-publisher/contract";
import { listJobs } from "../api/backend.js";
import { JobStateChip } from "../components/JobStateChip.js";
import { RelativeTime } from "../components/RelativeTime.js";
import { Empty, ErrorNotice, Loading } from "../components/states.js";
import { formatDuration } from "../components/units.js";
import type { Navigate } from "../hooks/hash-route.js";
import { useLoad } from "../hooks/use-load.js";

function duration(job: Job): string {
  if (!job.startedAt) return "—";
  const end = job.finishedAt ? Date.parse(job.finishedAt) : Date.now();
  return formatDuration((end - Date.parse(job.startedAt)) / 1000);
}

/** Past and running jobs, newest first; each opens its progress or result page. */
export function HistoryPage({ navigate }: { navigate: Navigate }) {
  const jobs = useLoad(() => listJobs({ limit: 100 }), "jobs");
  // While a job runs, the list follows it (every 2 s); a settled list waits for Refresh.
  const running = (jobs.data?.jobs ?? []).some((job) => !finishedStates.includes(job.state));
  const { reload, state } = jobs;
  useEffect(() => {
    if (!running || state === "loading") return;
    const timer = window.setTimeout(reload, 2_000);
    return () => window.clearTimeout(timer);
  }, [running, state, reload]);
  if (jobs.state === "loading" && !jobs.data) return <Loading label="Loading the history…" />;
  if (jobs.state === "error") return <ErrorNotice error={jobs.error} onRetry={jobs.reload} />;
  const list = jobs.data?.jobs ?? [];
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
      <TableContainer>
        <Table size="small" aria-label="Jobs">
          <TableHead>
            <TableRow>
              <TableCell>State</TableCell>
              <TableCell>Reference</TableCell>
              <TableCell>Model</TableCell>
              <TableCell>Digest</TableCell>
              <TableCell>Duration</TableCell>
              <TableCell>Started</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {list.map((job) => (
              <TableRow
                key={job.id}
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
                <TableCell sx={{ overflowWrap: "anywhere" }}>
                  {job.result?.reference ?? job.request.reference}
                </TableCell>
                <TableCell sx={{ overflowWrap: "anywhere" }}>
                  {job.request.source.replace(/^huggingface:\/\//, "")}
                </TableCell>
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
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    </Stack>
  );
}
