import { useEffect, useRef, useState } from "react";
import { emptyJobFold, finishedStates, foldJobEvents, type Job, type JobFold } from "@model-publisher/contract";
import { getJob, getJobEvents } from "../api/backend.js";
import { BackendError, toBackendError } from "../api/desktop.js";
import { announceEnd } from "./announce.js";

/** Polls the job and its events (at most ~4 times a second) until it has finished. */
export function useJobEvents(id: string): { job?: Job; fold: JobFold; error?: BackendError; reload: () => void } {
  const [job, setJob] = useState<Job>();
  const [fold, setFold] = useState<JobFold>(emptyJobFold);
  const [error, setError] = useState<BackendError>();
  const [generation, setGeneration] = useState(0);
  const foldRef = useRef(emptyJobFold);
  // Whether this page saw the job unfinished: kept across reloads (Cancel reloads), so the end is still announced.
  const unfinishedSeen = useRef({ id, seen: false });
  if (unfinishedSeen.current.id !== id) unfinishedSeen.current = { id, seen: false };
  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    let haveJob = false;
    foldRef.current = emptyJobFold;
    setFold(emptyJobFold);
    setJob(undefined);
    setError(undefined);
    const tick = async () => {
      const started = Date.now();
      try {
        const answer = await getJobEvents(id, foldRef.current.next);
        if (!live) return;
        const folded = foldJobEvents(foldRef.current, answer.events);
        foldRef.current = { ...folded, next: Math.max(folded.next, answer.next) };
        setFold(foldRef.current);
        const more = answer.events.length > 0 && !answer.done;
        if (answer.done || answer.events.some((event) => event.type === "state") || !haveJob) {
          const fresh = (await getJob(id)).job;
          if (!live) return;
          setJob(fresh);
          haveJob = true;
          if (!finishedStates.includes(fresh.state)) unfinishedSeen.current.seen = true;
          else if (unfinishedSeen.current.seen) {
            announceEnd(fresh);
            unfinishedSeen.current.seen = false;
          }
        }
        setError(undefined);
        if (answer.done) return;
        const wait = more ? 250 : 1000;
        timer = window.setTimeout(tick, Math.max(250 - (Date.now() - started), wait - (Date.now() - started), 0));
      } catch (err) {
        if (!live) return;
        const failure = err instanceof BackendError ? err : toBackendError(err);
        setError(failure);
        if (failure.code !== "job_not_found") timer = window.setTimeout(tick, 3000);
      }
    };
    void tick();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [id, generation]);
  return { job, fold, error, reload: () => setGeneration((n) => n + 1) };
}
