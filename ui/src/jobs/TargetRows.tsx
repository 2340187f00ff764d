import { Box, CircularProgress, LinearProgress, List, ListItem, ListItemIcon, Stack, Typography } from "@mui/material";
import BlockIcon from "@mui/icons-material/Block";
import CheckCircleIcon from "@mui/icons-material/CheckCircle";
import ErrorIcon from "@mui/icons-material/Error";
import HourglassEmptyIcon from "@mui/icons-material/HourglassEmpty";
import { targetRows, type Job, type JobFold, type TargetRow, type TargetState } from "@model-publisher/contract";
import { formatBytes } from "../components/units.js";

function TargetIcon({ state }: { state: TargetState }) {
  switch (state) {
    case "running":
      return <CircularProgress size={18} aria-label="running" />;
    case "succeeded":
      return <CheckCircleIcon color="success" fontSize="small" aria-label="done" />;
    case "failed":
      return <ErrorIcon color="error" fontSize="small" aria-label="failed" />;
    case "stopped":
      return <BlockIcon color="disabled" fontSize="small" aria-label="stopped" />;
    default:
      return <HourglassEmptyIcon color="disabled" fontSize="small" aria-label="queued" />;
  }
}

/** What a row says beside its reference: its error, else how far it is and what it is doing. */
function rowSummary(row: TargetRow): string {
  if (row.error) return row.error.message;
  if (row.state === "succeeded") return row.total !== undefined ? `published · ${formatBytes(row.total)}` : "published";
  const bytes =
    row.total !== undefined ? `${formatBytes(row.done)} of ${formatBytes(row.total)}` : formatBytes(row.done);
  return [row.state === "queued" ? "waiting" : row.state, row.done > 0 ? bytes : undefined, row.step]
    .filter(Boolean)
    .join(" · ");
}

function TargetLine({ row }: { row: TargetRow }) {
  const fraction = row.state === "succeeded" ? 1 : row.total ? Math.min(1, row.done / row.total) : undefined;
  const summary = rowSummary(row);
  return (
    <ListItem disableGutters data-testid="job-target" sx={{ alignItems: "flex-start" }}>
      <ListItemIcon sx={{ minWidth: 32, mt: 0.5 }}>
        <TargetIcon state={row.state} />
      </ListItemIcon>
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Stack direction="row" justifyContent="space-between" spacing={2}>
          <Typography variant="body2" sx={{ fontFamily: "monospace", overflowWrap: "anywhere" }}>
            {row.reference}
          </Typography>
          <Typography
            variant="body2"
            color={row.state === "failed" ? "error" : "text.secondary"}
            sx={{ textAlign: "right" }}
            data-testid="job-target-summary"
          >
            {summary}
          </Typography>
        </Stack>
        <LinearProgress
          variant={fraction === undefined && row.state === "running" ? "indeterminate" : "determinate"}
          value={(fraction ?? 0) * 100}
          color={row.state === "failed" ? "error" : row.state === "succeeded" ? "success" : "primary"}
          aria-label={`${row.reference} ${row.state}`}
        />
      </Box>
    </ListItem>
  );
}

/** One row per target of a several-target publish (nothing for one target): its state, bytes and error. */
export function TargetRows({ job, fold }: { job: Job; fold: JobFold }) {
  const rows = targetRows(job, fold);
  if (rows.length < 2) return null;
  return (
    <Box>
      <Typography variant="h4" component="h3">
        Targets
      </Typography>
      <List dense aria-label="Targets">
        {rows.map((row) => (
          <TargetLine key={row.reference} row={row} />
        ))}
      </List>
    </Box>
  );
}
