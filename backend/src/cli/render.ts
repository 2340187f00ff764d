import type { JobEvent, JobProgress, JobResult, ManifestReport } from "@model-publisher/contract";

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** One line of a TTY progress bar from the job's folded progress. */
export function progressBar(progress: JobProgress, width = 24): string {
  const { bytesDone, bytesTotal, rate, etaSeconds, phase } = progress;
  if (bytesTotal === undefined || bytesTotal === 0 || bytesDone === undefined) return `${phase}…`;
  const share = Math.min(1, bytesDone / bytesTotal);
  const filled = Math.round(share * width);
  const parts = [
    `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`,
    `${Math.floor(share * 100)}%`,
    `${formatBytes(bytesDone)}/${formatBytes(bytesTotal)}`,
    ...(rate !== undefined ? [`${formatBytes(rate)}/s`] : []),
    ...(etaSeconds !== undefined ? [`ETA ${etaSeconds}s`] : []),
    phase,
  ];
  return parts.join(" ");
}

/** `<target>: ` for an event of one target of several, nothing otherwise. */
function target(event: { target?: string }): string {
  return event.target !== undefined ? `${event.target}: ` : "";
}

/** The plain line an event prints without a TTY; undefined for events too frequent to print (byte counts). */
export function eventLine(event: JobEvent): string | undefined {
  switch (event.type) {
    case "step":
      // A several-target publish: the job's own steps print; a target's print only when it fails.
      if (event.target !== undefined) {
        return event.status === "errored" ? `! ${event.target}: ${event.error ?? "failed"}` : undefined;
      }
      if (event.status === "started") return `- ${event.name}`;
      if (event.status === "errored") return `! ${event.name}: ${event.error ?? "failed"}`;
      return undefined;
    case "bytes":
      if (event.status === "verified") {
        return `  ${target(event)}${event.name ?? event.id}: ${formatBytes(event.done)} verified`;
      }
      if (event.status === "skipped") return `  ${target(event)}${event.name ?? event.id}: in the registry already`;
      if (event.status === "mounted") {
        return `  ${target(event)}${event.name ?? event.id}: mounted from another repository of the registry`;
      }
      return undefined;
    case "log":
      return `  ${event.line}`;
    default:
      return undefined;
  }
}

/** The manifest summary printed after a publish and by `inspect`. */
export function manifestSummary(report: ManifestReport): string {
  const config = (report.manifest as { config?: { mediaType?: string; size?: number } }).config;
  const lines = [
    `reference     ${report.reference}`,
    `digest        ${report.digest}`,
    `media type    ${report.mediaType}`,
    ...(report.artifactType ? [`artifact type ${report.artifactType}`] : []),
    ...(config?.mediaType ? [`config        ${config.mediaType} (${config.size ?? 0} bytes)`] : []),
    `layers        ${report.layers.length}, ${formatBytes(report.totalSize)}`,
    ...report.layers.map(
      (layer) => `  ${layer.path ?? layer.digest}  ${formatBytes(layer.size)}  ${layer.mediaType}  ${layer.digest}`,
    ),
    `pull          ${report.pullCommands.oras}`,
  ];
  return lines.join("\n");
}

/** How each target of a several-target publish ended, one line each in request order. */
export function targetsSummary(result: JobResult): string {
  const targets = result.references ?? [];
  const published = targets.filter((target) => target.state === "succeeded").length;
  return [
    `targets       ${published} of ${targets.length} published`,
    ...targets.map((target) =>
      target.state === "succeeded"
        ? `  ${target.reference}  published  ${target.digest ?? result.digest}`
        : `  ${target.reference}  failed  ${target.error?.code ?? "error"}: ${target.error?.message ?? ""}`,
    ),
  ].join("\n");
}

/** What a finished publish prints: the digest first, then the manifest when the registry was read back. */
export function resultSummary(result: JobResult): string {
  return [
    `Published ${result.reference}`,
    ...(result.manifest ? [manifestSummary(result.manifest)] : [`digest        ${result.digest}`]),
    ...(result.references && result.references.length > 1 ? [targetsSummary(result)] : []),
  ].join("\n");
}
