/** A parsed `WWW-Authenticate` challenge: the scheme (lowercase) and its parameters. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses the first challenge of a `WWW-Authenticate` header (RFC 7235 auth-params, quoted or token values). */
export function parseChallenge(header: string | null | undefined): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = (match[1] ?? "").toLowerCase();
  const params: Record<string, string> = {};
  let rest = match[2] ?? "";
  const paramRe = /^\s*,?\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/s;
  for (;;) {
    const m = paramRe.exec(rest);
    if (!m) break;
    params[(m[1] ?? "").toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "");
    rest = rest.slice(m[0].length);
  }
  return { scheme, params };
}

/** The scope string a token request asks for (`repository:ns/name:pull,push`). */
export function repositoryScope(repository: string, actions: Array<"pull" | "push" | "delete" | "*">): string {
  return `repository:${repository}:${actions.join(",")}`;
}
