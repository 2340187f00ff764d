/** A parsed `WWW-Authenticate` challenge: the scheme (lowercase) and its parameters. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const tokenRe = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";

/**
 * Parses every challenge of a `WWW-Authenticate` header (RFC 7235: fetch joins repeated headers with ", ", and a
 * server may offer several schemes), each with its auth-params, quoted or token values.
 */
export function parseChallenges(header: string | null | undefined): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = header ?? "";
  const schemeRe = new RegExp(`^[\\s,]*(${tokenRe})(?=\\s|,|$)`);
  const paramRe = new RegExp(`^\\s*,?\\s*(${tokenRe})\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s,]*))`, "s");
  for (;;) {
    const scheme = schemeRe.exec(rest);
    if (!scheme) break;
    rest = rest.slice(scheme[0].length);
    const params: Record<string, string> = {};
    for (;;) {
      const m = paramRe.exec(rest);
      if (!m) break;
      params[(m[1] ?? "").toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "");
      rest = rest.slice(m[0].length);
    }
    challenges.push({ scheme: (scheme[1] ?? "").toLowerCase(), params });
  }
  return challenges;
}

/**
 * The challenge to answer: Bearer (with a realm) before Basic before anything else, as docker and containerd
 * choose, whatever order the server listed them in.
 */
export function parseChallenge(header: string | null | undefined): Challenge | undefined {
  const all = parseChallenges(header);
  return all.find((c) => c.scheme === "bearer" && c.params.realm) ?? all.find((c) => c.scheme === "basic") ?? all[0];
}

/** The scope string a token request asks for (`repository:ns/name:pull,push`). */
export function repositoryScope(repository: string, actions: Array<"pull" | "push" | "delete" | "*">): string {
  return `repository:${repository}:${actions.join(",")}`;
}
