import type { PhaseStep } from "../../jobs/phase-step.js";
import { ContractError } from "../../errors.js";
import { mountBlobFrom } from "../../registry/blob-mount.js";
import { hubFileBytes, type HubDownloadOptions, type HubFile } from "./hub-download.js";
import { dropTarget, isLive, type FanOut, type NativeTarget } from "./native-targets.js";
import { teeStream } from "./tee.js";
import { transferFile, type TransferResult } from "./transfer-file.js";

/** One file on its way to the targets that lack its blob. */
export interface Delivery {
  file: HubFile;
  /** Hex sha256 the bytes must hash to. */
  sha256: string;
  /** The file's bytes when they were already fetched (small git files). */
  bytes?: Buffer;
  /** The targets that lack the blob, in request order. */
  targets: NativeTarget[];
}

export interface DeliverySettings {
  fanOut: FanOut;
  /** The phase failures are reported in. */
  phase: PhaseStep;
  download: Omit<HubDownloadOptions, "signal">;
  progressIntervalMs?: number;
}

/** Failures of the file itself (the Hub, or bytes that do not match): every target would meet them, so the job fails. */
const sourceCodes = new Set([
  "integrity_error",
  "hub_unreachable",
  "hub_rate_limited",
  "gated_model",
  "model_not_found",
]);

function fromSource(err: unknown): boolean {
  return err instanceof ContractError && sourceCodes.has(err.code);
}

/**
 * The targets the bytes go to: the first of each registry (the others of it mount from that one), or every target of
 * a registry that does not mount.
 */
function leadsOf(fanOut: FanOut, targets: NativeTarget[]): NativeTarget[] {
  const seen = new Set<string>();
  return targets.filter((target) => {
    const host = target.repository.host;
    if (fanOut.mountless?.has(host)) return true;
    return !seen.has(host) && seen.add(host);
  });
}

/**
 * Delivers one file to every target that lacks it, downloading it once: the bytes are teed into the first target of
 * each registry, and the other targets of a registry mount the blob from that one once it is committed. A target
 * whose mount is refused gets the file in a further round (another download, for those targets only), and its
 * registry's targets get the bytes directly from then on.
 */
export async function deliverFile(settings: DeliverySettings, delivery: Delivery): Promise<TransferResult> {
  const totals: TransferResult = { bytesSent: 0, restarts: 0, resumes: 0 };
  let waiting = delivery.targets.filter(isLive);
  while (waiting.length > 0) {
    const leads = leadsOf(settings.fanOut, waiting);
    await sendOnce(settings, delivery, leads, totals);
    const followers = waiting.filter((target) => !leads.includes(target) && isLive(target));
    const mounted = await Promise.all(followers.map((follower) => mountFromLead(settings, delivery, follower, leads)));
    waiting = followers.filter((follower, index) => !mounted[index] && isLive(follower));
  }
  return totals;
}

/** Mounts the blob into `follower` from the lead of its registry, when that lead has it now. */
async function mountFromLead(
  settings: DeliverySettings,
  delivery: Delivery,
  follower: NativeTarget,
  leads: NativeTarget[],
): Promise<boolean> {
  const { fanOut } = settings;
  const lead = leads.find((target) => target.repository.host === follower.repository.host && isLive(target));
  if (!lead) return false;
  const digest = `sha256:${delivery.sha256}`;
  // Another tag of the same repository: the blob the lead committed is already there, nothing to mount.
  const sameRepository = lead.repository.name === follower.repository.name;
  try {
    const from = sameRepository
      ? lead.repository.name
      : await mountBlobFrom(follower.repository, digest, [lead.repository.name], {
          ...(fanOut.locations ? { locations: fanOut.locations } : {}),
          signal: follower.signal,
        });
    if (from === undefined) {
      // The registry answered with an upload: from now on its targets get the bytes with the first one.
      fanOut.mountless ??= new Set();
      fanOut.mountless.add(follower.repository.host);
      return false;
    }
    const { file } = delivery;
    fanOut.ctx.emit({
      type: "bytes",
      id: digest,
      name: file.path,
      done: file.size,
      total: file.size,
      status: "mounted",
      ...(follower.label !== undefined ? { target: follower.label } : {}),
    });
    return true;
  } catch (err) {
    if (fanOut.signal.aborted) throw fanOut.signal.reason;
    dropTarget(fanOut, follower, settings.phase, err);
    return false;
  }
}

/** One download of the file, teed into `leads` at once; a lead that fails is dropped, a failed download fails the job. */
async function sendOnce(
  settings: DeliverySettings,
  delivery: Delivery,
  leads: NativeTarget[],
  totals: TransferResult,
): Promise<void> {
  const { fanOut } = settings;
  const download = sharedDownload(settings, delivery, leads.length);
  const outcomes = await Promise.allSettled(
    leads.map((lead, index) => {
      const branch = download.tee.branches[index];
      return transferFile({
        repository: lead.repository,
        file: delivery.file,
        sha256: delivery.sha256,
        ...(delivery.bytes ? { bytes: delivery.bytes } : {}),
        ...(branch ? { shared: { branch, done: download.tee.done } } : {}),
        ...(lead.label !== undefined ? { target: lead.label } : {}),
        download: settings.download,
        signal: lead.signal,
        emit: (event) => fanOut.ctx.emit(event),
        ...(settings.progressIntervalMs !== undefined ? { progressIntervalMs: settings.progressIntervalMs } : {}),
        // A branch its transfer never read (the upload failed first) would hold the download back.
      }).finally(() => branch?.destroy());
    }),
  );
  // Every lead has settled: nothing reads the shared download any more (a lead whose upload restarted went on with a
  // download of its own), which may still sit in a Hub backoff. It ends now; a failure of it reached the leads that
  // were reading it, as their own outcome.
  download.stop();
  await download.tee.done.catch(() => undefined);
  if (fanOut.signal.aborted) throw fanOut.signal.reason;
  const delivered = outcomes.filter((outcome, index) =>
    settleLead(settings, delivery, leads[index] as NativeTarget, outcome, totals),
  ).length;
  if (delivered > 0) download.progress("verified", delivery.file.size);
}

/**
 * The file's one download as a tee of `branches`, and its own byte count (several targets only: with one target the
 * upload's count is the job's).
 */
function sharedDownload(settings: DeliverySettings, delivery: Delivery, branches: number) {
  const { fanOut } = settings;
  const { file, bytes } = delivery;
  const shared = fanOut.targets.length > 1;
  const stop = new AbortController();
  const source = bytes
    ? (async function* () {
        yield bytes;
      })()
    : hubFileBytes(file, 0, { ...settings.download, signal: AbortSignal.any([fanOut.signal, stop.signal]) });
  const interval = settings.progressIntervalMs ?? 250;
  let last = 0;
  const progress = (status: string, done: number) => {
    if (!shared) return;
    fanOut.ctx.emit({
      type: "bytes",
      id: `sha256:${delivery.sha256}`,
      name: file.path,
      done,
      total: file.size,
      status,
    });
  };
  const tee = teeStream(source, branches, {
    onRead: (done) => {
      if (done < file.size && Date.now() - last >= interval) {
        last = Date.now();
        progress("downloading", done);
      }
    },
  });
  progress("downloading", 0);
  return { tee, progress, stop: () => stop.abort() };
}

/** A lead's transfer ended: counted and recorded, or the lead dropped (a failure of the file itself fails the job). */
function settleLead(
  settings: DeliverySettings,
  delivery: Delivery,
  lead: NativeTarget,
  outcome: PromiseSettledResult<TransferResult>,
  totals: TransferResult,
): boolean {
  const { fanOut } = settings;
  if (outcome.status === "rejected") {
    if (fromSource(outcome.reason)) throw outcome.reason;
    dropTarget(fanOut, lead, settings.phase, outcome.reason);
    return false;
  }
  const sent = outcome.value;
  totals.bytesSent += sent.bytesSent;
  totals.restarts += sent.restarts;
  totals.resumes += sent.resumes;
  fanOut.locations?.record(lead.repository.host, lead.repository.name, [`sha256:${delivery.sha256}`]);
  if (sent.restarts > 0 || sent.resumes > 0) {
    const who = lead.label ? `${lead.label}: ` : "";
    fanOut.log(`${who}${delivery.file.path}: ${sent.resumes} upload resumes, ${sent.restarts} restarts.`);
  }
  return true;
}
