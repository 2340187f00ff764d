import { createBuilder } from "../api/backend.js";
import { BackendError, toast } from "../api/desktop.js";

/** The first free name of `model-publisher`, `model-publisher-2`, … among the builders there are. */
export function freshBuilderName(taken: readonly string[]): string {
  let name = "model-publisher";
  for (let n = 2; taken.includes(name); n += 1) name = `model-publisher-${n}`;
  return name;
}

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
