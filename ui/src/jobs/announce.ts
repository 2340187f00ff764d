import type { Job } from "@model-publisher/contract";
import { toast } from "../api/desktop.js";
import { jobTargetsText, partialPublish } from "./target-outcome.js";

/** Jobs whose end was already toasted: the job page and the app-wide watcher may both see it end. */
const announced = new Set<string>();

/** Toasts a job's end (published, failed, cancelled) once per job, whoever sees it first. */
export function announceEnd(job: Job): void {
  if (announced.has(job.id)) return;
  announced.add(job.id);
  const reference = jobTargetsText(job);
  if (job.state === "succeeded") toast("success", `Published ${reference}.`);
  else if (job.state === "canceled") toast("warning", `Publishing to ${reference} was cancelled.`);
  else
    toast(
      "error",
      partialPublish(job)?.sentence ?? `Publishing to ${reference} failed: ${job.error?.message ?? job.state}.`,
    );
}
