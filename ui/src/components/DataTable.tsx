import type { ReactNode } from "react";
import { Table, TableBody, TableCell, TableContainer, TableHead, TableRow } from "@mui/material";

export interface Column {
  title: string;
  align?: "right";
}

/** A small table with a header row; `label` names it, `children` are its body rows. */
export function DataTable({
  label,
  columns,
  children,
}: {
  label: string;
  columns: ReadonlyArray<string | Column>;
  children: ReactNode;
}) {
  return (
    <TableContainer>
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow>
            {columns.map((column) => {
              const { title, align } = typeof column === "string" ? { title: column, align: undefined } : column;
              return (
                <TableCell key={title} align={align}>
                  {title}
                </TableCell>
              );
            })}
          </TableRow>
        </TableHead>
        <TableBody>{children}</TableBody>
      </Table>
    </TableContainer>
  );
}
