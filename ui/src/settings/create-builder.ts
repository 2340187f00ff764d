import { createBuilder } from "../api/backend.js";
import { BackendError, toast } from "../api/desktop.js";
import { freshBuilderName } from "./builder-name.js";

/** Creates a passthrough builder under a free name and says how it went; answers its name, undefined on failure. */
export async function createPublisherBuilder(taken: readonly string[]): Promise<string | undefined> {
  try {
    const { builder } = await createBuilder({ name: freshBuilderName(taken) });
    toast("success", `Builder ${builder.name} created.`);
    return builder.name;
  } catch (err) {
    toast("error", err instanceof BackendError ? err.message : "The builder could not be created.");
    return undefined;
  }
}
