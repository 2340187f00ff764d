import { Box, Stack, Typography } from "@mui/material";
import { CopyButton } from "./CopyButton.js";

/** Preformatted text (JSON, commands) with a copy button. */
export function CodeBlock({ text, label, maxHeight = 360 }: { text: string; label: string; maxHeight?: number }) {
  return (
    <Stack
      direction="row"
      alignItems="flex-start"
      sx={{ border: 1, borderColor: "divider", borderRadius: 1, bgcolor: "action.hover" }}
    >
      <Box
        component="pre"
        aria-label={label}
        sx={{
          m: 0,
          p: 1.5,
          flex: 1,
          overflow: "auto",
          maxHeight,
          typography: "body2",
          fontFamily: "monospace",
          whiteSpace: "pre-wrap",
          wordBreak: "break-all",
        }}
      >
        {text}
      </Box>
      <CopyButton text={text} label={label} />
    </Stack>
  );
}

export function CommandLine({ title, command }: { title: string; command: string }) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary">
        {title}
      </Typography>
      <CodeBlock text={command} label={`${title} command`} />
    </Box>
  );
}
