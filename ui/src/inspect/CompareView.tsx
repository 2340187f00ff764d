import { Alert, Box, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import { alpha } from "@mui/material/styles";
import type { CompareResponse } from "@model-publisher/contract";

function show(value: unknown): string {
  if (value === undefined) return "(absent)";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Differences between two manifests, each side tinted so the change stands out. */
export function CompareView({ left, right, result }: { left: string; right: string; result: CompareResponse }) {
  if (result.identical) {
    return (
      <Alert severity="success" data-testid="compare-identical">
        The manifests match exactly: {left} and {right} are the same artifact.
      </Alert>
    );
  }
  return (
    <Box>
      <Alert severity="warning" sx={{ mb: 1 }} data-testid="compare-different">
        {result.differences.length} {result.differences.length === 1 ? "difference" : "differences"} between the two
        manifests.
      </Alert>
      <Table size="small" aria-label="Differences">
        <TableHead>
          <TableRow>
            <TableCell>Path</TableCell>
            <TableCell>{left}</TableCell>
            <TableCell>{right}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {result.differences.map((difference) => (
            <TableRow key={difference.path} data-testid="compare-row">
              <TableCell sx={{ fontFamily: "monospace", overflowWrap: "anywhere" }}>{difference.path}</TableCell>
              <TableCell sx={{ bgcolor: (theme) => alpha(theme.palette.error.main, 0.12), overflowWrap: "anywhere" }}>
                <Typography variant="body2" sx={{ fontFamily: "monospace" }}>
                  {show(difference.left)}
                </Typography>
              </TableCell>
              <TableCell sx={{ bgcolor: (theme) => alpha(theme.palette.success.main, 0.12), overflowWrap: "anywhere" }}>
                <Typography variant="body2" sx={{ fontFamily: "monospace" }}>
                  {show(difference.right)}
                </Typography>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
