import picomatch from "picomatch";

/**
 * A matcher for AIKit's `exclude` globs. AIKit hands them to `hf download --exclude`, which matches with Python's
 * `fnmatch`: `*` crosses `/`, dot files match, no braces or extglobs, and a pattern ending in `/` means everything
 * under that folder.
 */
export function excludeMatcher(patterns: readonly string[]): (path: string) => boolean {
  if (patterns.length === 0) return () => false;
  const globs = patterns.map((pattern) => (pattern.endsWith("/") ? `${pattern}*` : pattern));
  return picomatch(globs, { bash: true, dot: true, nobrace: true, noextglob: true, nonegate: true });
}

/** The files left after the exclude globs, in their original order. */
export function excludeFiles<T extends { path: string }>(files: readonly T[], patterns: readonly string[]): T[] {
  const excluded = excludeMatcher(patterns);
  return files.filter((file) => !excluded(file.path));
}
