import {
  identityTokenUser,
  parseReference,
  registryKey,
  sameRegistry,
  type HostSignIn,
  type SettingsResponse,
} from "@model-publisher/contract";

/** The backend's sign-ins (`GET /settings` `registries`) and the host's (the host helper's `list`). */
export interface KnownSignIns {
  backend: SettingsResponse["registries"];
  host: HostSignIn[];
}

/** A user name a reference can carry: not an identity token's `<token>`, not empty. */
function namesAUser(username: string): boolean {
  return username.length > 0 && username !== identityTokenUser;
}

/**
 * The sign-ins a reference is suggested from, best first: the backend's, then the host's, each registry once under
 * its one name (Docker Hub as `docker.io`); identity tokens name no user, so they suggest nothing.
 */
export function suggestionSignIns({ backend, host }: KnownSignIns): SettingsResponse["registries"] {
  const seen = new Set<string>();
  const suggestions: SettingsResponse["registries"] = [];
  for (const signIn of [...backend, ...host]) {
    const key = registryKey(signIn.host);
    if (!namesAUser(signIn.username) || seen.has(key)) continue;
    seen.add(key);
    suggestions.push({ host: key, username: signIn.username });
  }
  return suggestions;
}

/** What the host's sign-ins can do for a publish's targets that the backend has no sign-in for. */
export interface HandOffPlan {
  /** Registries (as the references name them) whose host credential goes to `POST /registries/login`. */
  handOff: string[];
  /** Registries the host holds only an identity token for, which `POST /registries/login` cannot take. */
  tokenOnly: string[];
}

/** Pure: which targets' registries get the host's credential before the publish. */
export function planHandOff(targets: string[], { backend, host }: KnownSignIns): HandOffPlan {
  const plan: HandOffPlan = { handOff: [], tokenOnly: [] };
  const planned = new Set<string>();
  for (const target of targets) {
    const parsed = parseReference(target);
    if (!parsed.ok) continue;
    const registry = parsed.value.registry;
    const key = registryKey(registry);
    if (planned.has(key) || backend.some((signIn) => sameRegistry(signIn.host, registry))) continue;
    const onHost = host.filter((signIn) => sameRegistry(signIn.host, registry));
    if (onHost.length === 0) continue;
    planned.add(key);
    if (onHost.some((signIn) => namesAUser(signIn.username))) plan.handOff.push(registry);
    else plan.tokenOnly.push(registry);
  }
  return plan;
}
