import { ContractError } from "../errors.js";
import { excludeMatcher } from "../modelpack/native/exclude-files.js";

/** Characters an exclude pattern may carry as themselves (`ExcludePattern` less the glob characters). */
const plainChar = /^[A-Za-z0-9_./+=,@-]$/;

/**
 * A glob that matches `path` in AIKit's `exclude` (Python's `fnmatch`, where brackets are the only escape): `*`, `?`,
 * `[` and `]` go inside brackets; any character an exclude pattern cannot carry (spaces, quotes, a backslash, non-ASCII)
 * becomes `?`, one character, so such a glob may match more and is checked against the repo's files before use.
 */
export function literalGlob(path: string): string {
  let glob = "";
  for (const ch of path) {
    if (ch === "*" || ch === "?" || ch === "[" || ch === "]") glob += `[${ch}]`;
    else glob += plainChar.test(ch) ? ch : "?";
  }
  return glob;
}

/** Every folder of a path, outermost first, each with its trailing `/` (`a/b/c.gguf` → `a/`, `a/b/`). */
function foldersOf(path: string): string[] {
  const parts = path.split("/").slice(0, -1);
  return parts.map((_, i) => `${parts.slice(0, i + 1).join("/")}/`);
}

/**
 * The exclude globs that leave the other variants' files (`others`) out of a buildx publish of one variant: a folder
 * that holds nothing but such files (a sharded variant in a folder of its own) as one `folder/*` glob, every other
 * file as a glob of its own path. Checked against the whole file list together with the request's own `exclude`: a
 * glob that would also drop a file the publish keeps is refused (400 `invalid_request`), never passed on.
 */
export function variantExcludeGlobs(
  files: ReadonlyArray<{ path: string }>,
  others: ReadonlyArray<{ path: string }>,
  requestExclude: readonly string[],
): string[] {
  const leftOut = new Set(others.map((file) => file.path));
  const folderHoldsOnlyOthers = (folder: string) =>
    files.every((file) => !file.path.startsWith(folder) || leftOut.has(file.path));
  const globs: string[] = [];
  const coveredFolders = new Set<string>();
  for (const { path } of others) {
    const folders = foldersOf(path);
    if (folders.some((folder) => coveredFolders.has(folder))) continue;
    const folder = folders.find(folderHoldsOnlyOthers);
    if (folder) {
      coveredFolders.add(folder);
      globs.push(`${literalGlob(folder)}*`);
    } else {
      globs.push(literalGlob(path));
    }
  }
  const wanted = excludeMatcher(requestExclude);
  const excluded = excludeMatcher([...requestExclude, ...globs]);
  const wrong = files.find((file) => excluded(file.path) !== (leftOut.has(file.path) || wanted(file.path)));
  if (wrong) {
    throw new ContractError(
      "invalid_request",
      `The other variants cannot be left out with AIKit's exclude globs without also changing whether ${JSON.stringify(wrong.path)} is published; use native mode.`,
    );
  }
  return globs;
}
