import { Box, Chip, CircularProgress, Stack, Tab, Tabs, Tooltip, Typography } from "@mui/material";
import CheckCircleOutlineIcon from "@mui/icons-material/CheckCircleOutline";
import ErrorOutlineIcon from "@mui/icons-material/ErrorOutline";
import WarningAmberIcon from "@mui/icons-material/WarningAmber";
import type { HealthResponse, SettingsResponse } from "@model-publisher/contract";
import { useAppStatus } from "./app-status.js";
import { useRunningJobs } from "../jobs/running-jobs.js";
import type { Route } from "./hash-route.js";

export type TabName = "publish" | "history" | "inspect" | "settings";

export function tabOf(route: Route): TabName {
  switch (route.page) {
    case "job":
    case "history":
      return "history";
    default:
      return route.page;
  }
}

/** What the status chip says: everything fine, or what is missing. */
export function statusSummary(
  health: HealthResponse | undefined,
  settings: SettingsResponse | undefined,
): { label: string; tone: "success" | "warning" | "error"; details: string[] } {
  if (!health) return { label: "Backend unreachable", tone: "error", details: ["The backend did not answer /health."] };
  const missing: string[] = [];
  const details = [
    health.docker.available ? `docker CLI ${health.docker.version ?? ""}`.trim() : "docker CLI not found",
    health.docker.buildx ? `buildx ${health.docker.buildx}` : "buildx plugin not found",
    settings ? `Hub token ${settings.hfToken}` : "Hub token: unknown",
  ];
  if (!health.docker.available) missing.push("no docker CLI");
  else if (!health.docker.buildx) missing.push("no buildx");
  if (settings?.hfToken === "unset") missing.push("no Hub token");
  if (missing.length === 0) return { label: "Ready", tone: "success", details };
  return { label: missing.join(" · "), tone: "warning", details };
}

export function Header({
  tab,
  onTab,
  onJob,
}: {
  tab: TabName;
  onTab: (tab: TabName) => void;
  /** Opens a job's page, or the history when several run (`undefined`). */
  onJob: (id: string | undefined) => void;
}) {
  const { health, settings } = useAppStatus();
  const running = useRunningJobs();
  const loading = health.state === "loading" && !health.data;
  const summary = statusSummary(health.data, settings.data);
  const icon =
    summary.tone === "success" ? (
      <CheckCircleOutlineIcon />
    ) : summary.tone === "warning" ? (
      <WarningAmberIcon />
    ) : (
      <ErrorOutlineIcon />
    );
  return (
    <Box component="header" sx={{ borderBottom: 1, borderColor: "divider", px: 3, pt: 2 }}>
      <Stack direction="row" alignItems="flex-start" justifyContent="space-between" spacing={2}>
        <Box>
          <Typography variant="h2" component="h1">
            Model Publisher
          </Typography>
          <Typography variant="body2" color="text.secondary">
            Publish Hugging Face models to any OCI registry
          </Typography>
        </Box>
        <Stack direction="row" spacing={1} alignItems="center">
          {running.length > 0 && (
            <Chip
              data-testid="running-chip"
              icon={<CircularProgress size={14} />}
              label={running.length === 1 ? "1 publishing" : `${running.length} publishing`}
              color="info"
              variant="outlined"
              onClick={() => onJob(running.length === 1 ? running[0]?.id : undefined)}
              aria-label={
                running.length === 1
                  ? `Publishing ${running[0]?.request.reference}. Open its progress`
                  : `${running.length} jobs publishing. Open the history`
              }
            />
          )}
          <Tooltip title={loading ? "Checking the backend…" : summary.details.join(" · ")}>
            <Chip
              data-testid="status-chip"
              icon={loading ? undefined : icon}
              label={loading ? "Checking…" : summary.label}
              color={loading ? "default" : summary.tone}
              variant="outlined"
              onClick={() => onTab("settings")}
              aria-label={`Status: ${loading ? "checking" : summary.details.join(", ")}. Open Settings`}
            />
          </Tooltip>
        </Stack>
      </Stack>
      <Tabs value={tab} sx={{ mt: 1 }} aria-label="Sections">
        <Tab value="publish" label="Publish" onClick={() => onTab("publish")} />
        <Tab value="history" label="History" onClick={() => onTab("history")} />
        <Tab value="inspect" label="Inspect" onClick={() => onTab("inspect")} />
        <Tab value="settings" label="Settings" onClick={() => onTab("settings")} />
      </Tabs>
    </Box>
  );
}
