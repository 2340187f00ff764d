import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

/** Field paths pino blanks before a line is written; secrets never reach a log even by mistake. */
export const redactedPaths = [
  "token",
  "password",
  "secret",
  "authorization",
  "*.token",
  "*.password",
  "*.secret",
  "*.authorization",
  "*.Authorization",
  "headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "body.token",
  "body.password",
  "env.HF_TOKEN",
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      base: { service: "model-publisher" },
      redact: { paths: redactedPaths, censor: "[redacted]" },
    },
    options.destination ?? pino.destination(2),
  );
}

/** Replaces every known secret in a free-text line (builder output, error messages) with a marker. */
export function redactText(line: string, secrets: Iterable<string | undefined>): string {
  let out = line;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out;
}
