import type { PhaseStep } from "./phase-step.js";

/**
 * The backend's own phases, as their steps (`phase:<id>`) name them. Native mode runs resolving, listing, planning,
 * checking, transferring and manifest, in that order; a buildx publish runs listing before the build, then verifying
 * (direct) or configuring and pushing (export), and copying for direct mode's other targets.
 */
export const phases = {
  resolving: { id: "resolving", name: "Resolve the revision to a commit" },
  listing: { id: "listing", name: "List the model's files" },
  planning: { id: "planning", name: "Plan the layers and config" },
  checking: { id: "checking", name: "Check which blobs the registry has" },
  transferring: { id: "transferring", name: "Stream the files from the Hub into the registry" },
  manifest: { id: "manifest", name: "Push the config and the manifest" },
  verifying: { id: "verifying", name: "Check what the registry holds" },
  configuring: { id: "configuring", name: "Write the ModelPack config" },
  pushing: { id: "pushing", name: "Push the layout" },
  copying: { id: "copying", name: "Copy the artifact to the other targets" },
} satisfies Record<string, PhaseStep>;
