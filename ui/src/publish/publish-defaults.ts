import { parseReference, type Builder, type PublishMode, type SettingsResponse } from "@model-publisher/contract";

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

export interface ModeChoice {
  mode: PublishMode;
  reason: string;
}

/** Direct when the chosen builder passes layouts through; otherwise native, which needs no BuildKit. */
export function chooseMode(builder: Builder | undefined, buildxAvailable: boolean): ModeChoice {
  if (builder?.passthrough) {
    return {
      mode: "direct",
      reason: `Builder ${builder.name} runs the passthrough BuildKit, so it can push the artifact itself.`,
    };
  }
  if (!buildxAvailable)
    return { mode: "native", reason: "No buildx here, so the backend streams the files from the Hub itself." };
  if (!builder)
    return { mode: "native", reason: "No builder is set up, so the backend streams the files from the Hub itself." };
  return {
    mode: "native",
    reason: `Builder ${builder.name} cannot push artifacts as-is, so the backend streams the files from the Hub itself.`,
  };
}

export const modeHelp: Record<PublishMode, string> = {
  native: "The backend streams each file from the Hub into the registry, verifying it on the way. No BuildKit needed.",
  direct: "A builder running the passthrough BuildKit builds with AIKit and pushes the artifact as-is.",
  export: "Any builder builds with AIKit and writes the layout to disk; the backend then pushes it.",
};
