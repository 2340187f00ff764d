import { parseArgs } from "node:util";
import { maxPublishTargets, parseReference, PublishRequest, type PublishRequestInput } from "@model-publisher/contract";

export const usage = `Usage:
  model-publisher publish <source> <reference> [<reference>...] [--mode native|export|direct] [--exclude <glob>]...
                          [--quant <variant>] [--target modelpack|generic] [--name <name>] [--insecure] [--json]
  model-publisher inspect <reference> [--insecure] [--json]

  <source>     huggingface://namespace/name[@revision][/path/file]
  <reference>  registry/repository:tag, e.g. ghcr.io/me/qwen3:0.6b; up to ${maxPublishTargets}, all from one download
  --quant      one GGUF variant of the repo, e.g. Q4_K_M: its files, the mmproj-* files and every non-GGUF file

Environment: HF_ENDPOINT, HF_TOKEN, STATE_DIR (registry logins, caches), DOCKER_BIN (export and direct modes).`;

export type Command =
  /** `request` parsed; `sent` as given, which is what the job records (as a request body is). */
  | { kind: "publish"; request: PublishRequest; sent: PublishRequestInput; json: boolean }
  | { kind: "inspect"; reference: string; insecure: boolean; json: boolean }
  | { kind: "help" };

/** What went wrong with the command line: exit code 2 and one line for a person. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const options = {
  mode: { type: "string" },
  exclude: { type: "string", multiple: true },
  quant: { type: "string" },
  target: { type: "string" },
  name: { type: "string" },
  insecure: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Parses the command line and checks it with the contract's schemas; throws `UsageError`. */
export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const [verb, ...rest] = positionals;
  if (values.help || verb === undefined || verb === "help") return { kind: "help" };
  const json = values.json ?? false;
  if (verb === "inspect") {
    if (rest.length !== 1) throw new UsageError("inspect takes one reference");
    const reference = rest[0] as string;
    const ref = parseReference(reference);
    if (!ref.ok) throw new UsageError(`invalid reference "${reference}": ${ref.reason}`);
    return { kind: "inspect", reference, insecure: values.insecure ?? false, json };
  }
  if (verb !== "publish") throw new UsageError(`unknown command "${verb}"; use publish or inspect`);
  if (rest.length < 2) throw new UsageError("publish takes a source and a reference");
  const [source, ...references] = rest as [string, ...string[]];
  if (references.length > maxPublishTargets) {
    throw new UsageError(`publish takes at most ${maxPublishTargets} references`);
  }
  for (const reference of references) {
    const ref = parseReference(reference);
    if (!ref.ok) throw new UsageError(`invalid reference "${reference}": ${ref.reason}`);
  }
  const input: PublishRequestInput = {
    source,
    // One reference publishes as ever; several go out from one download.
    ...(references.length === 1 ? { reference: references[0] } : { references }),
    ...(values.mode !== undefined ? { mode: values.mode as PublishRequestInput["mode"] } : {}),
    ...(values.target !== undefined ? { target: values.target as PublishRequestInput["target"] } : {}),
    ...(values.exclude ? { exclude: values.exclude } : {}),
    ...(values.quant !== undefined ? { quantization: values.quant } : {}),
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.insecure ? { insecureRegistry: true } : {}),
  };
  const checked = PublishRequest.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue?.path.length ? `--${String(issue.path[0])}` : "arguments";
    const field =
      where === "--source"
        ? "source"
        : where === "--quantization"
          ? "--quant"
          : where.startsWith("--reference")
            ? "reference"
            : where;
    throw new UsageError(`invalid ${field}: ${issue?.message ?? "not accepted"}`);
  }
  return { kind: "publish", request: checked.data, sent: input, json };
}
