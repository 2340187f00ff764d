import { useState } from "react";
import { Box, Button, Chip, List, ListItem, ListItemText, Stack, TextField, Typography } from "@mui/material";
import { RegistryLoginRequest } from "@model-publisher/contract";
import { clearHubToken, getBuilders, loginRegistry } from "../api/backend.js";
import { createPublisherBuilder } from "./create-builder.js";
import { BackendError, inDesktop, toast } from "../api/desktop.js";
import { HostSignInsList } from "./HostSignInsList.js";
import { HubTokenDialog } from "./HubTokenDialog.js";
import { SectionCard } from "../components/SectionCard.js";
import { Empty, ErrorNotice, Loading } from "../components/states.js";
import { useAppStatus } from "../app/app-status.js";
import { useLoad } from "../components/use-load.js";

function HubTokenSection() {
  const { settings } = useAppStatus();
  const [open, setOpen] = useState(false);
  const remove = async () => {
    try {
      await clearHubToken();
      toast("success", "Hub token removed.");
      settings.reload();
    } catch (err) {
      toast("error", err instanceof BackendError ? err.message : "The token could not be removed.");
    }
  };
  return (
    <SectionCard
      title="Hugging Face token"
      hint="Needed for gated and private models, and to avoid the Hub's rate limits."
    >
      {settings.state === "loading" && !settings.data && <Loading label="Reading the settings…" />}
      {settings.state === "error" && <ErrorNotice error={settings.error} onRetry={settings.reload} />}
      {settings.data && (
        <Stack direction="row" spacing={2} alignItems="center">
          <Chip
            label={settings.data.hfToken === "set" ? "Token set" : "No token"}
            color={settings.data.hfToken === "set" ? "success" : "default"}
            variant="outlined"
            data-testid="hub-token-state"
          />
          <Button variant="outlined" onClick={() => setOpen(true)}>
            {settings.data.hfToken === "set" ? "Replace token" : "Add token"}
          </Button>
          {settings.data.hfToken === "set" && (
            <Button variant="outlined" color="error" onClick={() => void remove()}>
              Remove
            </Button>
          )}
          <Typography variant="body2" color="text.secondary">
            Hub: {settings.data.hfEndpoint}
          </Typography>
        </Stack>
      )}
      <HubTokenDialog open={open} onClose={() => setOpen(false)} />
    </SectionCard>
  );
}

function RegistrySection() {
  const { settings } = useAppStatus();
  const [form, setForm] = useState({ host: "", username: "", password: "" });
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const signIn = async () => {
    const parsed = RegistryLoginRequest.safeParse(form);
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? "Fill in the registry, user name and password.");
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await loginRegistry(parsed.data);
      toast("success", `Signed in to ${parsed.data.host}.`);
      setForm({ host: "", username: "", password: "" });
      settings.reload();
    } catch (err) {
      setProblem(err instanceof BackendError ? err.message : "Sign-in failed.");
    } finally {
      setBusy(false);
    }
  };
  const registries = settings.data?.registries ?? [];
  return (
    <SectionCard
      title="Registries"
      hint="Sign in to the registries you publish to; the registry checks the password first."
    >
      {settings.state === "loading" && !settings.data && <Loading label="Reading the sign-ins…" />}
      {!settings.data ? null : registries.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          {inDesktop ? "The extension has no sign-ins of its own." : "Not signed in to any registry."} Loopback
          registries (localhost:5000) need no sign-in.
        </Typography>
      ) : (
        <List dense aria-label="The extension's sign-ins">
          {registries.map((registry) => (
            <ListItem key={registry.host} disableGutters>
              <ListItemText primary={registry.host} secondary={`as ${registry.username}`} />
            </ListItem>
          ))}
        </List>
      )}
      <HostSignInsList />
      <Stack direction={{ xs: "column", md: "row" }} spacing={1} alignItems="flex-start">
        <TextField
          size="small"
          label="Registry"
          placeholder="ghcr.io"
          value={form.host}
          onChange={(event) => setForm({ ...form, host: event.target.value.trim() })}
        />
        <TextField
          size="small"
          label="User name"
          value={form.username}
          onChange={(event) => setForm({ ...form, username: event.target.value })}
        />
        <TextField
          size="small"
          label="Password or token"
          type="password"
          autoComplete="off"
          value={form.password}
          onChange={(event) => setForm({ ...form, password: event.target.value })}
        />
        <Button variant="outlined" onClick={() => void signIn()} disabled={busy}>
          Sign in
        </Button>
      </Stack>
      {problem && (
        <Typography variant="body2" color="error" sx={{ mt: 1 }} role="alert">
          {problem}
        </Typography>
      )}
    </SectionCard>
  );
}

function BuilderSection() {
  const builders = useLoad(getBuilders, "builders");
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    const created = await createPublisherBuilder(builders.data?.builders.map((b) => b.name) ?? []);
    setBusy(false);
    if (created !== undefined) builders.reload();
  };
  return (
    <SectionCard
      title="Builders"
      hint="Buildx builders of the backend and those the Docker engine runs. Direct push needs one running the passthrough BuildKit image (sozercan/buildkit:oci-layout-passthrough) and a frontend that sets the layout flag: the packager PR's build as frontend image. With a stock frontend the builder pushes a plain image, which the backend catches, offering native or export."
    >
      {builders.state === "loading" && !builders.data && <Loading label="Listing builders…" />}
      {builders.state === "error" && <ErrorNotice error={builders.error} onRetry={builders.reload} />}
      {builders.data && builders.data.builders.length === 0 && (
        <Empty title="No builders yet" hint="Create one to publish in direct or export mode; native mode needs none." />
      )}
      {builders.data && builders.data.builders.length > 0 && (
        <List dense>
          {builders.data.builders.map((builder) => (
            <ListItem key={builder.name} disableGutters>
              <ListItemText
                primary={`${builder.name}${builder.origin === "engine" ? " (Docker engine)" : ""}${
                  builder.current ? " (current)" : ""
                }`}
                secondary={`${builder.driver} · ${builder.status}${builder.passthrough ? " · passthrough" : ""}${
                  builder.image ? ` · ${builder.image}` : ""
                }${builder.error ? ` · ${builder.error}` : ""}`}
              />
            </ListItem>
          ))}
        </List>
      )}
      <Stack direction="row" spacing={2} alignItems="center" sx={{ mt: 1 }}>
        <Button variant="outlined" onClick={() => void create()} disabled={busy}>
          Create builder
        </Button>
        {builders.data && (
          <Typography variant="body2" color="text.secondary">
            Frontend image: {builders.data.frontendImage}
          </Typography>
        )}
      </Stack>
    </SectionCard>
  );
}

export function SettingsPage() {
  return (
    <Box sx={{ maxWidth: 960 }}>
      <Stack spacing={2}>
        <HubTokenSection />
        <RegistrySection />
        <BuilderSection />
      </Stack>
    </Box>
  );
}
