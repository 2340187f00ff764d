import { useMemo } from "react";
import { loginRegistry } from "../api/backend.js";
import { hostCredential, hostSignIns } from "../api/desktop.js";
import { useAppStatus } from "../app/app-status.js";
import { planHandOff, suggestionSignIns, type KnownSignIns } from "./sign-ins.js";

/**
 * Hands each host credential the publish needs to `POST /registries/login`, one registry at a time. The secret goes
 * from the host helper's answer straight into the request body: never into state, a log, the page or the URL.
 */
async function handOff(registries: string[]): Promise<void> {
  for (const registry of registries) {
    const credential = await hostCredential(registry);
    if (credential) await loginRegistry({ host: registry, username: credential.username, password: credential.secret });
  }
}

/**
 * The user's sign-ins as a publish uses them: the ones a reference is suggested from, a note for targets whose host
 * sign-in the backend cannot take (`noteFor`), and `beforePublish`, which signs the backend in with the host's
 * credential for targets it has no sign-in for (throws the contract's error when a registry refuses it).
 */
export function useSignInHandOff() {
  const { settings, hostSignIns: hostLoad } = useAppStatus();
  const backend = settings.data?.registries;
  const host = hostLoad.data?.registries;
  const known: KnownSignIns = useMemo(() => ({ backend: backend ?? [], host: host ?? [] }), [backend, host]);
  const suggestions = useMemo(() => suggestionSignIns(known), [known]);
  const noteFor = (targets: string[]): string | undefined => {
    const { tokenOnly } = planHandOff(targets, known);
    if (tokenOnly.length === 0) return undefined;
    const registries = tokenOnly.join(", ");
    return `This computer is signed in to ${registries} with a token the extension cannot reuse: sign in under Settings › Registries to publish there.`;
  };
  const beforePublish = async (targets: string[]) => {
    // Without the backend's own list a host credential could replace a sign-in the user made here.
    if (!backend) return;
    const plan = planHandOff(targets, { backend, host: host ?? (await hostSignIns()).registries });
    if (plan.handOff.length === 0) return;
    try {
      await handOff(plan.handOff);
    } finally {
      settings.reload();
    }
  };
  return { suggestions, noteFor, beforePublish };
}
