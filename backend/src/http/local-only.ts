import type { RequestHandler } from "express";
import { envelope } from "./errors.js";

const localHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

function hostName(hostHeader: string): string {
  return hostHeader.replace(/:\d+$/, "").toLowerCase();
}

/** True for `localhost`, loopback addresses and `*.localhost`. */
export function isLocalHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const host = hostName(hostHeader);
  return localHosts.has(host) || host.endsWith(".localhost");
}

/** Rejects requests whose Host or Origin is not this machine: a web page elsewhere must not drive the backend. */
export const localOnly: RequestHandler = (req, res, next) => {
  const origin = req.headers.origin;
  let originOk = true;
  // "null" is what a sandboxed iframe or a file:// page sends: a page from anywhere, so it is refused too.
  if (origin !== undefined) {
    try {
      originOk = isLocalHost(new URL(origin).host);
    } catch {
      originOk = false;
    }
  }
  if (!isLocalHost(req.headers.host) || !originOk) {
    res
      .status(403)
      .json(envelope("forbidden_origin", "The backend answers only requests from this machine (localhost)."));
    return;
  }
  next();
};
