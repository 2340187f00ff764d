import { Box, LinearProgress, List, ListItem, ListItemIcon, Stack, Typography } from "@mui/material";
import { targetRows, type Job, type JobFold, type TargetRow } from "@model-publisher/contract";
import { formatBytes } from "../components/units.js";
import { StateIcon } from "./StateIcon.js";

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
        <StateIcon state={row.state} />
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
  const title = (
    <Typography variant="h4" component="h3">
      Targets
    </Typography>
  );
  return (
    <List dense aria-label="Targets" subheader={title}>
      {rows.map((row) => (
        <TargetLine key={row.reference} row={row} />
      ))}
    </List>
  );
}
