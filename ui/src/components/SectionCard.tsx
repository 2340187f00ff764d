import type { ReactNode } from "react";
import { Card, CardContent, Typography } from "@mui/material";

/** An outlined card for one part of a page, named by its title (or `label`), with an optional hint beneath it. */
export function SectionCard({
  title,
  label = title,
  hint,
  children,
}: {
  title: string;
  label?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <Card variant="outlined" component="section" aria-label={label}>
      <CardContent>
        <Typography variant="h3" component="h2" sx={hint ? undefined : { mb: 1 }}>
          {title}
        </Typography>
        {hint && (
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {hint}
          </Typography>
        )}
        {children}
      </CardContent>
    </Card>
  );
}
