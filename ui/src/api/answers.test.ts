import { describe, expect, it } from "vitest";
import { BackendError, toBackendError, unwrapAnswer } from "./answers.js";

describe("unwrapAnswer", () => {
  it.each<[string, unknown, unknown]>([
    ["plain object", { ok: true, version: "1" }, { ok: true, version: "1" }],
    ["wrapped in data", { data: { ok: true } }, { ok: true }],
    ["wrapped JSON string", { data: '{"ok":true}' }, { ok: true }],
    ["JSON string", '{"jobs":[]}', { jobs: [] }],
    ["data beside other keys is kept", { data: 1, next: 2 }, { data: 1, next: 2 }],
    ["undefined (204)", undefined, undefined],
  ])("%s", (_name, raw, answer) => expect(unwrapAnswer(raw)).toEqual(answer));
});

describe("toBackendError", () => {
  const envelope = { error: { code: "gated_model", message: "Add a token with access." } };
  it.each<[string, unknown, number, string, string | undefined, number]>([
    ["fetch body", envelope, 403, "gated_model", "Add a token with access.", 403],
    [
      "Desktop ServiceError with JSON message",
      { name: "x", statusCode: 404, message: JSON.stringify(envelope) },
      0,
      "gated_model",
      undefined,
      404,
    ],
    [
      "Desktop error with data",
      { statusCode: 401, data: { error: { code: "registry_unauthorized", message: "m" } } },
      0,
      "registry_unauthorized",
      "m",
      401,
    ],
    ["wrapped envelope", { data: envelope }, 403, "gated_model", undefined, 403],
    ["network failure", new TypeError("Failed to fetch"), 0, "backend_unreachable", undefined, 0],
    ["unexplained 500", { nope: 1 }, 500, "internal", undefined, 500],
  ])("%s", (_name, raw, status, code, message, finalStatus) => {
    const error = toBackendError(raw, status);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.code).toBe(code);
    expect(error.status).toBe(finalStatus);
    if (message) expect(error.message).toBe(message);
    expect(error.message).not.toContain("{");
  });
});
