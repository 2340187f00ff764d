import type { DockerRunResult } from "./docker-cli.js";
import { attachEngineBuilderArgs } from "./engine-builders.js";

export type AttachOutcome = { ok: true; created: boolean } | { ok: false; stderr: string };

/**
 * Attaches an engine builder through buildx's remote driver under its own name, unless buildx already has a
 * builder of that name (attached by an earlier run of the backend).
 */
export async function attachEngineBuilder(
  docker: (args: string[]) => Promise<DockerRunResult>,
  builder: string,
): Promise<AttachOutcome> {
  const known = await docker(["buildx", "inspect", builder]);
  if (known.code === 0) return { ok: true, created: false };
  const created = await docker(attachEngineBuilderArgs(builder));
  return created.code === 0 ? { ok: true, created: true } : { ok: false, stderr: created.stderr };
}
