/**
 * Why a path the Hub listed cannot be a file inside the repo, or undefined when it can. Git itself never holds such
 * paths, so one means a broken or hostile endpoint; publishing it could write outside a pull directory (`oras pull`
 * restores files by these annotations) or break a log line. Quotes and other printable characters are fine: every
 * place a path goes (JSON annotations, argv, URLs) escapes them.
 */
export function repoPathProblem(path: string): string | undefined {
  if (path.length === 0) return "it is empty";
  if (path.length > 4096) return "it is longer than 4096 characters";
  if (/[\x00-\x1f\x7f]/.test(path)) return "it has control characters (a newline, NUL…)";
  if (path.includes("\\")) return "it has a backslash, a folder separator on Windows";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "it is absolute";
  const segments = path.split("/");
  if (segments.includes("..")) return "it climbs out of the repo with ..";
  if (segments.some((segment) => segment === "." || segment === "")) return "it has an empty or . segment";
  return undefined;
}

/** `{hub}/{repo}/resolve/{commit}/{path}`, each path segment percent-encoded (`#`, `?` and spaces are file names too). */
export function resolveFileUrl(hubUrl: string, repo: string, commit: string, path: string): URL {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return new URL(`${hubUrl}/${repo}/resolve/${encodeURIComponent(commit)}/${encoded}`);
}
