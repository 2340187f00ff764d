import { parseReference, type SettingsResponse } from "@model-publisher/contract";

/** A repository path component from a Hub name: lowercase, with runs of other characters made `-`. */
export function repositoryComponent(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|[._-]+$/g, "")
    .replace(/[._-]{2,}/g, "-");
  return cleaned || "model";
}

/** `<registry>/<user>/<model-name>:<revision-or-latest>`, from the signed-in registry or `localhost:5000`. */
export function defaultReference(
  modelId: string,
  revision: string,
  registries: SettingsResponse["registries"] = [],
): string {
  const [namespace = "", name = ""] = modelId.split("/");
  const signedIn = registries[0];
  const owner = repositoryComponent(signedIn ? signedIn.username : namespace);
  const host = signedIn ? signedIn.host : "localhost:5000";
  const tag = revision !== "main" && /^[\w][\w.-]{0,127}$/.test(revision) ? revision : "latest";
  const reference = `${host}/${owner}/${repositoryComponent(name)}:${tag}`;
  return parseReference(reference).ok ? reference : `localhost:5000/${repositoryComponent(name)}:latest`;
}

/** The artifact `name` default: the repo name as the contract allows it. */
export function defaultArtifactName(modelId: string): string {
  return repositoryComponent(modelId.split("/")[1] ?? modelId).replace(/^[._-]+/, "");
}
