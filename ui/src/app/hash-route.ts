import { useCallback, useEffect, useState } from "react";

/** Where the app is; deep state lives in the URL hash so a reload or a link lands in the same place. */
export type Route =
  | { page: "publish"; model?: string; revision?: string }
  | { page: "history" }
  | { page: "job"; id: string }
  | { page: "inspect"; reference?: string; compare?: string }
  | { page: "settings" };

/** `#/publish/acme/tiny-llm?rev=v1`, `#/jobs/<id>`, `#/inspect?ref=…&compare=…` → a route. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, "");
  const queryAt = text.indexOf("?");
  const path = queryAt >= 0 ? text.slice(0, queryAt) : text;
  const params = new URLSearchParams(queryAt >= 0 ? text.slice(queryAt + 1) : "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const optional = (key: string) => params.get(key) || undefined;
  switch (parts[0]) {
    case "history":
      return { page: "history" };
    case "jobs":
      return parts[1] ? { page: "job", id: parts[1] } : { page: "history" };
    case "inspect":
      return { page: "inspect", reference: optional("ref"), compare: optional("compare") };
    case "settings":
      return { page: "settings" };
    case "publish":
      if (parts.length >= 3) return { page: "publish", model: `${parts[1]}/${parts[2]}`, revision: optional("rev") };
      return { page: "publish" };
    default:
      return { page: "publish" };
  }
}

export function routeHash(route: Route): string {
  const search = (entries: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(entries)) if (value) params.set(key, value);
    const text = params.toString();
    return text ? `?${text}` : "";
  };
  switch (route.page) {
    case "publish":
      return route.model
        ? `#/publish/${route.model.split("/").map(encodeURIComponent).join("/")}${search({ rev: route.revision })}`
        : "#/publish";
    case "history":
      return "#/history";
    case "job":
      return `#/jobs/${encodeURIComponent(route.id)}`;
    case "inspect":
      return `#/inspect${search({ ref: route.reference, compare: route.compare })}`;
    case "settings":
      return "#/settings";
  }
}

/** The current route and a way to go elsewhere (pushes browser history). */
export function useHashRoute(): [Route, (route: Route, options?: { replace?: boolean }) => void] {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  const navigate = useCallback((next: Route, options?: { replace?: boolean }) => {
    const hash = routeHash(next);
    if (hash === window.location.hash) return;
    if (options?.replace) {
      window.history.replaceState(null, "", hash);
      setRoute(parseRoute(hash));
    } else {
      window.location.hash = hash;
    }
  }, []);
  return [route, navigate];
}

export type Navigate = (route: Route, options?: { replace?: boolean }) => void;
