import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { finishedStates, type Job } from "@model-publisher/contract";
import { listJobs } from "../api/backend.js";
import { announceEnd } from "./announce.js";

/** How often the app looks at the newest jobs while it is in view. */
const watchIntervalMs = 3_000;

const RunningJobsContext = createContext<Job[]>([]);

/**
 * Watches the newest jobs for the whole app: which are queued or running (the header shows them wherever the user
 * is), and the end of any job seen unfinished is toasted even when its page is not open.
 */
export function RunningJobsProvider({ children }: { children: ReactNode }) {
  const [running, setRunning] = useState<Job[]>([]);
  const unfinished = useRef(new Set<string>());
  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    const look = async () => {
      if (document.visibilityState === "visible") {
        try {
          const { jobs } = await listJobs({ limit: 20 });
          if (!live) return;
          for (const job of jobs) {
            if (!finishedStates.includes(job.state)) unfinished.current.add(job.id);
            else if (unfinished.current.delete(job.id)) announceEnd(job);
          }
          setRunning(jobs.filter((job) => !finishedStates.includes(job.state)));
        } catch {
          // The status chip reports an unreachable backend; the next look tries again.
        }
      }
      if (live) timer = window.setTimeout(() => void look(), watchIntervalMs);
    };
    void look();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, []);
  return <RunningJobsContext.Provider value={running}>{children}</RunningJobsContext.Provider>;
}

/** The jobs queued or running now, newest first. */
export function useRunningJobs(): Job[] {
  return useContext(RunningJobsContext);
}
