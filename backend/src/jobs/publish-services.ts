import type { SizedPath } from "../hub/gguf-variants.js";
import type { JobStore } from "../store/job-store.js";
import type { PublishQueue } from "./publish-queue.js";

/** What admitting a publish and the job routes need: the history, the queue and the builder probes. */
export interface PublishServices {
  store: JobStore;
  queue: PublishQueue;
  /** The builder a request without one uses. */
  defaultBuilder?: () => string | undefined;
  /** Whether a builder runs the passthrough BuildKit; undefined when it cannot be told. */
  builderPassthrough?: (name: string | undefined) => Promise<boolean | undefined>;
  /** Throws a `ContractError` (`builder_not_found`, `buildx_unavailable`) when a buildx publish cannot start. */
  checkBuilder?: (name: string | undefined) => Promise<void>;
  /** A Hub repo's files at a revision (`HubService.files`): what a requested quantization is checked against. */
  hubFiles?: (repo: string, revision: string) => Promise<{ files: SizedPath[] }>;
}
