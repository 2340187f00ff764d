import { Box, Stack, Typography } from "@mui/material";
import { useAppStatus } from "./app-status.js";

/** The bottom line: backend version and whether docker and buildx are there. */
export function StatusLine() {
  const { health } = useAppStatus();
  const parts: string[] = [];
  if (health.data) {
    const { version, docker } = health.data;
    parts.push(`Backend ${version}`);
    parts.push(docker.available ? `docker ${docker.version ?? "available"}` : "docker CLI not found");
    parts.push(docker.buildx ? `buildx ${docker.buildx}` : "buildx not found");
  } else if (health.state === "error") {
    parts.push("Backend not reachable");
  } else {
    parts.push("Connecting to the backend…");
  }
  return (
    <Box component="footer" sx={{ borderTop: 1, borderColor: "divider", px: 3, py: 0.75 }}>
      <Stack direction="row" spacing={2}>
        <Typography variant="caption" color="text.secondary" data-testid="status-line">
          {parts.join(" · ")}
        </Typography>
      </Stack>
    </Box>
  );
}
