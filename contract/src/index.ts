/** The backend HTTP contract (docs/API.md): one set of zod schemas used by the UI and the backend. */
export * from "./errors.js";
export * from "./health.js";
export * from "./settings.js";
export * from "./reference.js";
export * from "./registry-key.js";
export * from "./host-credentials.js";
export * from "./models.js";
export * from "./gguf-files.js";
export * from "./source.js";
export * from "./builders.js";
export * from "./publish.js";
export * from "./manifest.js";
export * from "./publish-mode.js";
export * from "./progress.js";
export * from "./target-progress.js";
export * from "./media-types.js";
