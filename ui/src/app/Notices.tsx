import { useEffect, useState } from "react";
import { Alert, Snackbar } from "@mui/material";
import { inDesktop, onToast, type ToastKind } from "../api/desktop.js";

/** Standalone stand-in for Desktop's toasts: one snackbar, newest message wins. */
export function Notices() {
  const [notice, setNotice] = useState<{ kind: ToastKind; message: string; key: number }>();
  useEffect(() => {
    if (inDesktop) return;
    return onToast((kind, message) => setNotice({ kind, message, key: Date.now() }));
  }, []);
  if (inDesktop) return null;
  return (
    <Snackbar
      key={notice?.key}
      open={notice !== undefined}
      autoHideDuration={6000}
      onClose={(_event, reason) => reason !== "clickaway" && setNotice(undefined)}
      anchorOrigin={{ vertical: "bottom", horizontal: "right" }}
    >
      <Alert severity={notice?.kind ?? "success"} variant="filled" onClose={() => setNotice(undefined)}>
        {notice?.message}
      </Alert>
    </Snackbar>
  );
}
