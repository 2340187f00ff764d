import { Tooltip, Typography, type TypographyProps } from "@mui/material";
import { exactTime, relativeTime } from "./units.js";

/** "3 minutes ago", with the exact time on hover. */
export function RelativeTime({ iso, ...props }: { iso: string } & TypographyProps) {
  return (
    <Tooltip title={exactTime(iso)}>
      <Typography component="time" dateTime={iso} variant="body2" {...props}>
        {relativeTime(iso)}
      </Typography>
    </Tooltip>
  );
}
