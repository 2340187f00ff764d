// The model-publisher command line: the backend's publish queue and runners, in-process, without the HTTP server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job, JobEvent, JobResult } from "@model-publisher/contract";
import { finishedStates, publishTargets } from "@model-publisher/contract";
import { parseCommand, UsageError, usage, type Command } from "./cli/parse-command.js";
import { eventLine, manifestSummary, progressBar, resultSummary, targetsSummary } from "./cli/render.js";
import { loadConfig } from "./config.js";
import { createCoreServices, createPublishServices, createRegistryClient } from "./core-services.js";
import { ContractError } from "./errors.js";
import { admitPublish } from "./jobs/admit-publish.js";
import { createLogger } from "./log.js";
import { fetchManifestReport } from "./registry/manifest-report.js";
import { referenceOf } from "./registry/registry-client.js";
import type { JobStore } from "./store/job-store.js";

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);

function fail(code: string, message: string, json: boolean, result?: JobResult): number {
  // A partial publish still has a result: how each target ended.
  if (json) out(JSON.stringify({ state: "failed", error: { code, message }, ...(result ? { result } : {}) }));
  else if (result?.references) out(targetsSummary(result));
  err(`model-publisher: ${message}`);
  return 1;
}

async function publish(command: Extract<Command, { kind: "publish" }>): Promise<number> {
  const config = loadConfig();
  // Backend logs would only mix with the output; warnings still reach stderr.
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? "error" });
  const { hfToken, registry, hub } = createCoreServices(config, logger);
  // The CLI's jobs live in a temp history of their own: the backend's history (and its recovery) stays untouched.
  const jobsDir = mkdtempSync(join(tmpdir(), "model-publisher-cli-"));
  const wiring = createPublishServices({ config, logger, hfToken, registry, hub, jobsDir });
  const { store, queue } = wiring.publish;
  try {
    const request = command.request;
    const { job, mode } = await admitPublish(wiring.publish, request, command.sent);
    if (!command.json) err(`Publishing ${request.source} to ${publishTargets(request).join(", ")} (${mode} mode)`);
    const onInterrupt = () => queue.cancel(job.id);
    process.once("SIGINT", onInterrupt);
    const done = await follow(store, job.id, command.json);
    process.off("SIGINT", onInterrupt);
    if (done.state === "succeeded" && done.result) {
      if (command.json) out(JSON.stringify({ state: done.state, mode: done.mode, job: done.id, result: done.result }));
      else out(resultSummary(done.result));
      return 0;
    }
    const error = done.error ?? { code: done.state, message: `The job ended ${done.state}.` };
    return fail(error.code, error.message, command.json, done.result);
  } catch (e) {
    if (e instanceof ContractError) return fail(e.code, e.message, command.json);
    throw e;
  } finally {
    await wiring.close();
    rmSync(jobsDir, { recursive: true, force: true });
  }
}

/** Prints the job's events as they come (a bar on a TTY, plain lines otherwise) until it finishes. */
async function follow(store: JobStore, id: string, json: boolean) {
  const tty = process.stderr.isTTY && !json;
  let after = 0;
  let barShown = false;
  const show = (events: JobEvent[]) => {
    for (const event of events) {
      after = Math.max(after, event.seq);
      if (json) continue;
      const line = eventLine(event);
      if (!line) continue;
      if (tty && barShown) process.stderr.write("\r\x1b[2K");
      barShown = false;
      err(line);
    }
  };
  for (;;) {
    show(store.events(id, after, 1000));
    const job = store.get(id) as Job;
    if (finishedStates.includes(job.state)) {
      show(store.events(id, after, 100_000));
      if (barShown) process.stderr.write("\r\x1b[2K");
      return job;
    }
    if (tty) {
      process.stderr.write(`\r\x1b[2K${progressBar(job.progress)}`);
      barShown = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function inspect(command: Extract<Command, { kind: "inspect" }>): Promise<number> {
  const config = loadConfig();
  const registry = createRegistryClient(config);
  try {
    const ref = referenceOf(command.reference);
    const report = await fetchManifestReport(registry.repository(ref, command.insecure), ref, {
      insecure: command.insecure,
    });
    out(command.json ? JSON.stringify(report) : manifestSummary(report));
    return 0;
  } catch (e) {
    if (e instanceof ContractError) return fail(e.code, e.message, command.json);
    throw e;
  }
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`model-publisher: ${e.message}`);
    err("Run model-publisher --help for usage.");
    return 2;
  }
  if (command.kind === "help") {
    out(usage);
    return 0;
  }
  return command.kind === "publish" ? publish(command) : inspect(command);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(`model-publisher: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
