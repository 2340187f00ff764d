import { List, ListItem, ListItemText, Typography } from "@mui/material";
import { identityTokenUser, registryKey } from "@model-publisher/contract";
import { inDesktop } from "../api/desktop.js";
import { useAppStatus } from "../app/app-status.js";

/**
 * The registries Docker on the user's machine is signed in to (Docker Desktop only): user names from the host
 * helper, never a secret. A publish to one of them hands its sign-in to the extension.
 */
export function HostSignInsList() {
  const { hostSignIns } = useAppStatus();
  if (!inDesktop) return null;
  const registries = hostSignIns.data?.registries ?? [];
  const problem = hostSignIns.data?.problem;
  return (
    <section aria-label="Sign-ins on this computer">
      <Typography variant="subtitle2" component="h3" sx={{ mt: 1 }}>
        On this computer
      </Typography>
      <Typography variant="body2" color="text.secondary">
        Docker on your machine is signed in to these; the first publish to one of them uses that sign-in.
      </Typography>
      {problem && (
        <Typography variant="body2" color="warning.main" data-testid="host-sign-ins-problem">
          This computer's sign-ins could not be read: {problem}
        </Typography>
      )}
      {hostSignIns.data && !problem && registries.length === 0 && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Docker on this computer is not signed in to any registry.
        </Typography>
      )}
      {registries.length > 0 && (
        <List dense>
          {registries.map((signIn) => (
            <ListItem key={signIn.host} disableGutters>
              <ListItemText
                primary={registryKey(signIn.host)}
                secondary={
                  signIn.username === identityTokenUser
                    ? "with a token · on this computer"
                    : `as ${signIn.username} · on this computer`
                }
              />
            </ListItem>
          ))}
        </List>
      )}
    </section>
  );
}
