// Many UI-like clients polling a backend while publishes run, paced like ui/src/jobs/use-job-events.ts: each follows
// every job's events with its own `next` and lists `/jobs`, until every job is done. Shared by the reliability test
// (correctness) and bench-load (latency).
import { Agent, request } from "node:http";
import { JobEventsResponse, JobList, PublishResponse } from "@model-publisher/contract";

/** One keep-alive connection per client, as a browser tab holds: plain node:http costs the client little CPU. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function get(url: string): Promise<{ status: number; bytes: Buffer; firstByteAt: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      const firstByteAt = performance.now();
      const parts: Buffer[] = [];
      res.on("data", (chunk: Buffer) => parts.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(parts), firstByteAt }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

export interface PollLoadOptions {
  /** `http://127.0.0.1:<port>`. */
  address: string;
  jobIds: string[];
  clients: number;
  /** `limit` of each events poll. */
  pageSize?: number;
  /** Least time between a client's rounds while events keep coming, in ms (the UI's 250). */
  busyIntervalMs?: number;
  /** Least time between rounds that brought nothing new (the UI's 1000). */
  idleIntervalMs?: number;
  /** Check every answer against the contract (costs client CPU, which a latency bench should not spend). */
  validate?: boolean;
  /** Gives up after this long. */
  timeoutMs?: number;
}

export interface ClientRecord {
  /** Job id → every seq this client received, in order. */
  seqs: Map<string, number[]>;
}

export interface PollLoadResult {
  clients: ClientRecord[];
  /** Milliseconds per call until its last byte arrived, by kind. */
  latency: { events: number[]; jobs: number[] };
  /** Milliseconds per call until its status line and headers arrived (both kinds). */
  firstByte: number[];
  /** HTTP status → count. */
  statuses: Map<number, number>;
  polls: number;
  seconds: number;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export async function runPollLoad(options: PollLoadOptions): Promise<PollLoadResult> {
  const pageSize = options.pageSize ?? 500;
  const busyMs = options.busyIntervalMs ?? 250;
  const idleMs = options.idleIntervalMs ?? 1000;
  const validate = options.validate ?? true;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const latency = { events: [] as number[], jobs: [] as number[] };
  const firstByte: number[] = [];
  const statuses = new Map<number, number>();
  let polls = 0;
  const started = performance.now();

  const timed = async (url: string, kind: "events" | "jobs"): Promise<string> => {
    const t0 = performance.now();
    const res = await get(url);
    // The call's latency ends when its last byte arrived; parsing it is the client's own work.
    latency[kind].push(performance.now() - t0);
    firstByte.push(res.firstByteAt - t0);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    polls++;
    const text = res.bytes.toString("utf8");
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${text}`);
    return text;
  };

  /**
   * An events page: checked against the contract, or (a latency bench, whose 50 clients share the CPU with the
   * backend) only its `next` and `done` read from the end of the text, falling back to a full parse.
   */
  const eventsPage = (text: string): Pick<JobEventsResponse, "next" | "done"> & { seqs: number[] } => {
    if (!validate) {
      const tail = /"next":(\d+),"done":(true|false)\}$/.exec(text);
      if (tail) return { next: Number(tail[1]), done: tail[2] === "true", seqs: [] };
    }
    const page = JobEventsResponse.parse(JSON.parse(text));
    return { next: page.next, done: page.done, seqs: page.events.map((event) => event.seq) };
  };

  const client = async (index: number): Promise<ClientRecord> => {
    const seqs = new Map(options.jobIds.map((id) => [id, [] as number[]]));
    const next = new Map(options.jobIds.map((id) => [id, 0]));
    const done = new Set<string>();
    // Clients start a little apart, as UIs opened at different moments would.
    await new Promise((resolve) => setTimeout(resolve, index % 10));
    while (done.size < options.jobIds.length) {
      if (Date.now() > deadline) throw new Error(`client ${index}: the jobs did not finish in time`);
      const roundStarted = performance.now();
      let fresh = 0;
      for (const id of options.jobIds) {
        if (done.has(id)) continue;
        const page = eventsPage(
          await timed(`${options.address}/jobs/${id}/events?after=${next.get(id)}&limit=${pageSize}`, "events"),
        );
        seqs.get(id)?.push(...page.seqs);
        fresh += page.next - (next.get(id) ?? 0);
        next.set(id, page.next);
        if (page.done) done.add(id);
      }
      const list = await timed(`${options.address}/jobs?limit=20`, "jobs");
      if (validate) JobList.parse(JSON.parse(list));
      const pause = (fresh > 0 ? busyMs : idleMs) - (performance.now() - roundStarted);
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
    return { seqs };
  };

  const clients = await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  return { clients, latency, firstByte, statuses, polls, seconds: (performance.now() - started) / 1000 };
}

/**
 * Starts the two export publishes of `acme/tiny` the load is measured against; `name` picks the docker stand-in's
 * behaviour (`standin-biglog`: 10 000 log lines at once, `standin-pacedlog`: 1 000 a second). Answers the job ids.
 */
export async function startLoadPublishes(options: {
  address: string;
  registryHost: string;
  name: "standin-biglog" | "standin-pacedlog";
  tagPrefix?: string;
}): Promise<string[]> {
  const ids: string[] = [];
  for (const tag of ["one", "two"]) {
    const res = await fetch(`${options.address}/publish`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        source: "huggingface://acme/tiny",
        reference: `${options.registryHost}/acme/tiny:${options.tagPrefix ?? ""}${tag}`,
        mode: "export",
        name: options.name,
      }),
    });
    if (res.status !== 202) throw new Error(`POST /publish answered ${res.status}: ${await res.text()}`);
    ids.push(PublishResponse.parse(await res.json()).job.id);
  }
  return ids;
}
