import { Chip } from "@mui/material";
import type { JobState } from "@model-publisher/contract";

const look: Record<JobState, { label: string; color: "default" | "info" | "success" | "error" | "warning" }> = {
  queued: { label: "Queued", color: "default" },
  running: { label: "Running", color: "info" },
  succeeded: { label: "Published", color: "success" },
  failed: { label: "Failed", color: "error" },
  canceled: { label: "Cancelled", color: "warning" },
  interrupted: { label: "Interrupted", color: "warning" },
};

export function JobStateChip({ state }: { state: JobState }) {
  return (
    <Chip size="small" label={look[state].label} color={look[state].color} variant="outlined" data-testid="job-state" />
  );
}
