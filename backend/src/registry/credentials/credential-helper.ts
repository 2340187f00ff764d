import { spawn } from "node:child_process";
import type { Credential } from "./docker-config.js";

const helperNameRe = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Runs `docker-credential-<name> get` (no shell) with the server on stdin, as docker does.
 * "credentials not found" is undefined; any other failure is an error without the helper's output (it may hold secrets).
 */
export function credentialFromHelper(
  name: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 10_000,
): Promise<Credential | undefined> {
  if (!helperNameRe.test(name)) return Promise.reject(new Error(`invalid credential helper name "${name}"`));
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ["get"], { shell: false, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`credential helper ${program} could not run: ${err.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        if (/credentials not found/i.test(stdout + stderr)) resolve(undefined);
        else reject(new Error(`credential helper ${program} failed with exit code ${code}`));
        return;
      }
      try {
        const parsed = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
        const username = typeof parsed.Username === "string" ? parsed.Username : "";
        const secret = typeof parsed.Secret === "string" ? parsed.Secret : "";
        if (!secret) resolve(undefined);
        else if (username === "<token>") resolve({ identityToken: secret });
        else resolve({ username, password: secret });
      } catch {
        reject(new Error(`credential helper ${program} answered something other than JSON`));
      }
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(serverUrl);
  });
}

/**
 * Runs `docker-credential-<name> list`: the servers the helper holds logins for and their user names (no secrets).
 * A helper that cannot run, fails or answers something else gives no entries: listing is a courtesy (it suggests a
 * reference), never a reason to fail a request.
 */
export function serversFromHelper(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 5_000,
): Promise<Array<{ serverUrl: string; username: string }>> {
  if (!helperNameRe.test(name)) return Promise.resolve([]);
  return new Promise((resolve) => {
    const child = spawn(`docker-credential-${name}`, ["list"], {
      shell: false,
      env,
      stdio: ["ignore", "pipe", "ignore"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
      if (stdout.length > 1024 * 1024) child.kill("SIGKILL");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", () => {
      clearTimeout(timer);
      resolve([]);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) return resolve([]);
      try {
        const parsed: unknown = JSON.parse(stdout);
        if (!parsed || typeof parsed !== "object") return resolve([]);
        resolve(
          Object.entries(parsed as Record<string, unknown>)
            .filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== "")
            .filter(([, username]) => username !== "<token>")
            .map(([serverUrl, username]) => ({ serverUrl, username })),
        );
      } catch {
        resolve([]);
      }
    });
  });
}
