import { useState } from "react";
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField, Typography } from "@mui/material";
import { HfTokenRequest } from "@model-publisher/contract";
import { setHubToken } from "../api/backend.js";
import { BackendError, toast } from "../api/desktop.js";
import { useAppStatus } from "../app/app-status.js";

/** Asks for a Hugging Face token and stores it in the backend (it is never shown again). */
export function HubTokenDialog({
  open,
  onClose,
  reason,
}: {
  open: boolean;
  onClose: (saved: boolean) => void;
  reason?: string;
}) {
  const { settings } = useAppStatus();
  const [token, setToken] = useState("");
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);
  const save = async () => {
    const parsed = HfTokenRequest.safeParse({ token: token.trim() });
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? "That token is not valid.");
      return;
    }
    setSaving(true);
    try {
      await setHubToken(parsed.data.token);
      toast("success", "Hub token saved.");
      setToken("");
      settings.reload();
      onClose(true);
    } catch (err) {
      setProblem(err instanceof BackendError ? err.message : "The token could not be saved.");
    } finally {
      setSaving(false);
    }
  };
  return (
    <Dialog open={open} onClose={() => onClose(false)} maxWidth="sm" fullWidth>
      <DialogTitle>Add a Hugging Face token</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          {reason && <Typography variant="body2">{reason}</Typography>}
          <Typography variant="body2" color="text.secondary">
            Create a read token at huggingface.co/settings/tokens. The backend keeps it in its state folder and never
            shows it again.
          </Typography>
          <TextField
            autoFocus
            label="Hub token"
            type="password"
            value={token}
            onChange={(event) => {
              setToken(event.target.value);
              setProblem(undefined);
            }}
            onKeyDown={(event) => event.key === "Enter" && void save()}
            error={problem !== undefined}
            helperText={problem ?? "Starts with hf_"}
            autoComplete="off"
            inputProps={{ "data-testid": "hub-token-input" }}
          />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button variant="outlined" onClick={() => onClose(false)}>
          Cancel
        </Button>
        <Button variant="contained" onClick={() => void save()} disabled={saving || token.trim().length === 0}>
          Save token
        </Button>
      </DialogActions>
    </Dialog>
  );
}
