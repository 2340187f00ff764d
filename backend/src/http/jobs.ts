import { Router } from "express";
import {
  finishedStates,
  JobEventsQuery,
  JobListQuery,
  PublishRequest,
  type Job,
  type PublishRequestInput,
} from "@model-publisher/contract";
import type { PublishQueue } from "../jobs/publish-queue.js";
import type { JobStore } from "../store/job-store.js";
import { ApiError } from "./errors.js";
import { parseInput, parseQuery } from "./validate.js";

/** What the publish and job routes need. */
export interface PublishServices {
  store: JobStore;
  queue: PublishQueue;
  /** The builder a request without one uses. */
  defaultBuilder?: () => string | undefined;
  /** Whether a builder runs the passthrough BuildKit; undefined when it cannot be told. */
  builderPassthrough?: (name: string | undefined) => Promise<boolean | undefined>;
  /** Throws an `ApiError` (`builder_not_found`, `buildx_unavailable`) when a buildx publish cannot start. */
  checkBuilder?: (name: string | undefined) => Promise<void>;
}

/** Longest a long poll holds the answer (API.md: never over 25 s). */
const maxWaitMs = 25_000;

function findJob(store: JobStore, id: string): Job {
  const job = store.get(id);
  if (!job) throw new ApiError("job_not_found", `There is no job ${id}.`);
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
    const builder = parsed.builder ?? services.defaultBuilder?.();
    const request: PublishRequest = builder ? { ...parsed, builder } : parsed;
    let builderPassthrough: boolean | undefined;
    if (!request.mode && services.builderPassthrough) {
      builderPassthrough = await services.builderPassthrough(builder).catch(() => undefined);
    }
    // The mode follows what was sent (a default builder filled in here is no request for a build).
    const mode = queue.modeFor(parsed, builderPassthrough);
    if (!queue.hasRunner(mode)) {
      throw new ApiError("invalid_request", `The ${mode} mode is not available in this version; use direct or export.`);
    }
    const refused = queue.refusal(mode, request);
    if (refused) throw new ApiError("invalid_request", refused);
    if ((mode === "direct" || mode === "export") && services.checkBuilder) await services.checkBuilder(builder);
    const job = queue.submit(request, mode, sent);
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
      if (!state) throw new ApiError("job_not_found", `There is no job ${id}.`);
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
      throw new ApiError("job_not_found", `There is no job ${req.params.id}.`);
    }
    if (!outcome.ok) {
      throw new ApiError("job_not_cancelable", `The job has already ended (${outcome.job.state}).`, {
        state: outcome.job.state,
      });
    }
    res.status(202).json({ job: outcome.job });
  });

  return router;
}
