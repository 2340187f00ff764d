import {
  BuildersResponse,
  CompareResponse,
  CreateBuilderResponse,
  HealthResponse,
  JobEventsResponse,
  JobList,
  JobResponse,
  ManifestReport,
  ModelDetails,
  ModelList,
  PublishResponse,
  SettingsResponse,
  type CreateBuilderRequest,
  type PublishRequestInput,
  type RegistryLoginRequest,
} from "@model-publisher/contract";
import type { z } from "zod";
import { BackendError, callBackend, type Method } from "./desktop.js";

/** Typed calls of the backend contract (API.md); every answer is parsed with the contract's schema. */

async function call<S extends z.ZodType>(schema: S, method: Method, path: string, body?: unknown): Promise<z.infer<S>> {
  const answer = await callBackend(method, path, body);
  const parsed = schema.safeParse(answer);
  if (!parsed.success) {
    throw new BackendError(
      "unexpected_answer",
      `The backend's answer to ${method} ${path.split("?")[0]} had an unexpected shape.`,
      200,
    );
  }
  return parsed.data;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== "") search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const getHealth = () => call(HealthResponse, "GET", "/health");
export const getSettings = () => call(SettingsResponse, "GET", "/settings");
export const setHubToken = (token: string) => callBackend("PUT", "/settings/hf-token", { token }).then(() => undefined);
export const clearHubToken = () => callBackend("DELETE", "/settings/hf-token").then(() => undefined);
export const loginRegistry = (request: RegistryLoginRequest) =>
  callBackend("POST", "/registries/login", request).then(() => undefined);

export const searchModels = (params: { search?: string; limit?: number; sort?: string; cursor?: string }) =>
  call(ModelList, "GET", `/models${query(params)}`);

/** `id` is `namespace/name`; each part is encoded on its own so the slash stays a path separator. */
export const getModel = (id: string, revision?: string) =>
  call(ModelDetails, "GET", `/models/${id.split("/").map(encodeURIComponent).join("/")}${query({ revision })}`);

export const getBuilders = () => call(BuildersResponse, "GET", "/builders");
export const createBuilder = (request: CreateBuilderRequest) =>
  call(CreateBuilderResponse, "POST", "/builders", request);

export const publish = (request: PublishRequestInput) => call(PublishResponse, "POST", "/publish", request);
export const listJobs = (params: { limit?: number; before?: string } = {}) =>
  call(JobList, "GET", `/jobs${query(params)}`);
export const getJob = (id: string) => call(JobResponse, "GET", `/jobs/${encodeURIComponent(id)}`);
export const getJobEvents = (id: string, after: number, limit = 500) =>
  call(JobEventsResponse, "GET", `/jobs/${encodeURIComponent(id)}/events${query({ after, limit })}`);
export const cancelJob = (id: string) => call(JobResponse, "POST", `/jobs/${encodeURIComponent(id)}/cancel`);

export const getManifest = (reference: string) => call(ManifestReport, "GET", `/manifest${query({ reference })}`);
export const compareManifests = (left: string, right: string) =>
  call(CompareResponse, "POST", "/manifest/compare", { left, right });
