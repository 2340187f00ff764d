import { z } from "zod";
import { checkModelIdPart } from "./models.js";

/** Where a model comes from, parsed from a publish `source`. */
export type ModelSource =
  | {
      kind: "huggingface";
      /** `namespace/name`. */
      repo: string;
      /** Branch, tag or commit; `main` when left out. */
      revision: string;
      /** True when `@rev` was written out. */
      revisionGiven: boolean;
      /** A single file inside the repo, when the source names one. */
      file?: string;
    }
  | { kind: "url"; url: string; fileName: string };

export type SourceResult = { ok: true; value: ModelSource } | { ok: false; reason: string };

const revisionRe = /^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const filePathSegmentRe = /^(?!\.{1,2}$)[A-Za-z0-9_.+=,@-]+$/;

/** Parses `huggingface://ns/repo[@rev][/path/file]` or `https://…/file`; never throws. */
export function parseSource(input: string): SourceResult {
  const fail = (reason: string): SourceResult => ({ ok: false, reason });
  if (typeof input !== "string" || input.length === 0) return fail("the source is empty");
  if (input.length > 1024) return fail("the source is longer than 1024 characters");
  if (/[\s\x00-\x1f\x7f'"`$;&|<>\\]/.test(input)) return fail("the source has spaces, quotes or shell characters");

  if (input.startsWith("huggingface://")) {
    const rest = input.slice("huggingface://".length);
    const parts = rest.split("/");
    if (parts.length < 2) return fail("write huggingface://namespace/name");
    const namespace = parts[0] as string;
    let name = parts[1] as string;
    let revision = "main";
    let revisionGiven = false;
    const at = name.indexOf("@");
    if (at >= 0) {
      revision = name.slice(at + 1);
      name = name.slice(0, at);
      revisionGiven = true;
      if (!revisionRe.test(revision)) return fail(`"${revision}" is not a valid revision`);
    }
    for (const part of [namespace, name]) {
      const problem = checkModelIdPart(part);
      if (problem) return fail(problem);
    }
    const fileParts = parts.slice(2);
    if (fileParts.length > 0) {
      if (fileParts.some((segment) => !filePathSegmentRe.test(segment))) {
        return fail("the file path inside the repo has an invalid segment");
      }
    }
    return {
      ok: true,
      value: {
        kind: "huggingface",
        repo: `${namespace}/${name}`,
        revision,
        revisionGiven,
        ...(fileParts.length > 0 ? { file: fileParts.join("/") } : {}),
      },
    };
  }

  if (input.startsWith("https://") || input.startsWith("http://")) {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      return fail("the source URL does not parse");
    }
    if (url.username || url.password) return fail("put no credentials in the source URL");
    const fileName = decodeURIComponent(url.pathname.split("/").pop() ?? "");
    if (!filePathSegmentRe.test(fileName)) return fail("the source URL must end in a file name");
    return { ok: true, value: { kind: "url", url: url.toString(), fileName } };
  }
  return fail("the source starts with huggingface:// or https://");
}

/** Formats a Hub source back into its string form. */
export function huggingFaceSource(repo: string, revision?: string, file?: string): string {
  const rev = revision && revision !== "main" ? `@${revision}` : "";
  return `huggingface://${repo}${rev}${file ? `/${file}` : ""}`;
}

export const SourceString = z
  .string()
  .max(1024)
  .superRefine((value, ctx) => {
    const parsed = parseSource(value);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.reason });
  });

/**
 * An exclude glob. AIKit passes these through a shell inside single quotes, so anything that could close the
 * quote or reach outside the repo is refused here.
 */
export const ExcludePattern = z
  .string()
  .min(1, "an exclude pattern is empty")
  .max(256, "an exclude pattern is longer than 256 characters")
  .regex(/^[A-Za-z0-9_.*?[\]/+=,@-]+$/, "an exclude pattern is letters, digits, / and the glob characters * ? [ ]")
  .refine((value) => !value.startsWith("/"), "an exclude pattern is relative to the repo root")
  .refine((value) => !value.split("/").includes(".."), "an exclude pattern cannot contain ..");
