// A publish as an outside client makes it: `POST /publish`, then `GET /jobs/{id}` until the job has finished.
import {
  finishedStates,
  JobResponse,
  PublishResponse,
  type Job,
  type PublishRequestInput,
} from "@model-publisher/contract";
import { callApi } from "./api-call.js";

/** Publishes through the backend at `baseUrl` and answers the finished job (whatever state it ended in). */
export async function publishThroughApi(
  baseUrl: string,
  request: PublishRequestInput,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<Job> {
  const accepted = await callApi(baseUrl, "POST", "/publish", request);
  if (accepted.status !== 202) throw new Error(`POST /publish answered ${accepted.status}: ${accepted.text}`);
  const { id } = PublishResponse.parse(accepted.body).job;
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const answer = await callApi(baseUrl, "GET", `/jobs/${encodeURIComponent(id)}`);
    if (answer.status !== 200) throw new Error(`GET /jobs/${id} answered ${answer.status}: ${answer.text}`);
    const { job } = JobResponse.parse(answer.body);
    if (finishedStates.includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} is still ${job.state} after ${options.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
  }
}

/** Seconds between the job's start and finish, as the backend stamped them. */
export function jobSeconds(job: Job): number {
  if (!job.startedAt || !job.finishedAt) throw new Error(`job ${job.id} has no start or finish time`);
  return (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
}
