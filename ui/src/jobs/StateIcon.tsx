import { CircularProgress } from "@mui/material";
import BlockIcon from "@mui/icons-material/Block";
import CachedIcon from "@mui/icons-material/Cached";
import CheckCircleIcon from "@mui/icons-material/CheckCircle";
import ErrorIcon from "@mui/icons-material/Error";
import HourglassEmptyIcon from "@mui/icons-material/HourglassEmpty";
import SkipNextIcon from "@mui/icons-material/SkipNext";
import type { StepStatus, TargetState } from "@model-publisher/contract";

/** The state icon of a step or a target: queued, running, cached/skipped, done, failed, stopped. */
export function StateIcon({ state }: { state: StepStatus | TargetState }) {
  switch (state) {
    case "started":
    case "running":
      return <CircularProgress size={18} aria-label="running" />;
    case "completed":
    case "succeeded":
      return <CheckCircleIcon color="success" fontSize="small" aria-label="done" />;
    case "cached":
      return <CachedIcon color="action" fontSize="small" aria-label="cached" />;
    case "skipped":
      return <SkipNextIcon color="action" fontSize="small" aria-label="skipped" />;
    case "errored":
    case "failed":
      return <ErrorIcon color="error" fontSize="small" aria-label="failed" />;
    case "stopped":
      return <BlockIcon color="disabled" fontSize="small" aria-label="stopped" />;
    default:
      return <HourglassEmptyIcon color="disabled" fontSize="small" aria-label="queued" />;
  }
}
