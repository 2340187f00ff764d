import { Router } from "express";
import {
  finishedStates,
  JobEventsQuery,
  JobListQuery,
  PublishRequest,
  type Job,
  type PublishRequestInput,
} from "@model-publisher/contract";
import { admitPublish } from "../jobs/admit-publish.js";
import type { PublishServices } from "../jobs/publish-services.js";
import type { JobStore } from "../store/job-store.js";
import { ContractError } from "../errors.js";
import { parseInput, parseQuery } from "./validate.js";

/** Longest a long poll holds the answer (API.md: never over 25 s). */
const maxWaitMs = 25_000;

function findJob(store: JobStore, id: string): Job {
  const job = store.get(id);
  if (!job) throw new ContractError("job_not_found", `There is no job ${id}.`);
  return job;
}

/** `POST /publish`, `GET /jobs`, `GET /jobs/{id}`, `GET /jobs/{id}/events`, `POST /jobs/{id}/cancel`. */
export function jobRoutes(services: PublishServices): Router {
  const { store, queue } = services;
  const router = Router();

  router.post("/publish", async (req, res) => {
    const parsed = parseInput(PublishRequest, req.body);
    // The job records the request as sent: the fields the client gave, none that a default filled in.
    const body = req.body as Record<string, unknown>;
    const sent = Object.fromEntries(
      Object.entries(parsed).filter(([key]) => Object.hasOwn(body, key)),
    ) as PublishRequestInput;
    const { job } = await admitPublish(services, parsed, sent);
    res.status(202).json({ job });
  });

  router.get("/jobs", (req, res) => {
    const query = parseQuery(JobListQuery, req.query, "query");
    const jobs = store.listText({ limit: query.limit, ...(query.before ? { before: query.before } : {}) });
    res.type("application/json").send(`{"jobs":${jobs}}`);
  });

  router.get("/jobs/:id", (req, res) => {
    res.json({ job: findJob(store, req.params.id) });
  });

  router.get("/jobs/:id/events", async (req, res) => {
    const query = parseQuery(JobEventsQuery, req.query, "query");
    const id = req.params.id;
    const stateNow = () => {
      const state = store.state(id);
      if (!state) throw new ContractError("job_not_found", `There is no job ${id}.`);
      return state;
    };
    let page = store.eventTexts(id, query.after, query.limit);
    if (page.texts.length === 0 && query.wait > 0 && !finishedStates.includes(stateNow())) {
      await new Promise<void>((resolve) => {
        const stop = () => {
          clearTimeout(timer);
          unsubscribe();
          req.off("close", stop);
          resolve();
        };
        const timer = setTimeout(stop, Math.min(query.wait * 1000, maxWaitMs));
        const unsubscribe = store.subscribe(id, stop);
        req.on("close", stop);
      });
      page = store.eventTexts(id, query.after, query.limit);
    }
    const done = finishedStates.includes(stateNow()) && page.last >= store.lastSeq(id);
    // The events are stored as JSON already: the answer (JobEventsResponse) is assembled, not re-serialized.
    res.type("application/json").send(`{"events":[${page.texts.join(",")}],"next":${page.last},"done":${done}}`);
  });

  router.post("/jobs/:id/cancel", (req, res) => {
    const outcome = queue.cancel(req.params.id);
    if (!outcome.ok && outcome.reason === "not_found") {
      throw new ContractError("job_not_found", `There is no job ${req.params.id}.`);
    }
    if (!outcome.ok) {
      throw new ContractError("job_not_cancelable", `The job has already ended (${outcome.job.state}).`, {
        state: outcome.job.state,
      });
    }
    res.status(202).json({ job: outcome.job });
  });

  return router;
}
