import { useCallback, useEffect, useRef, useState } from "react";
import { BackendError, toBackendError } from "../api/desktop.js";

export type Load<T> =
  | { state: "loading"; data?: T; reload: () => void }
  | { state: "ok"; data: T; reload: () => void }
  | { state: "error"; error: BackendError; data?: T; reload: () => void };

/** Runs `load` when `key` changes (and on `reload`), keeping the last answer while the next one loads. */
export function useLoad<T>(load: (() => Promise<T>) | undefined, key: string): Load<T> {
  const [result, setResult] = useState<
    { state: "loading"; data?: T } | { state: "ok"; data: T } | { state: "error"; error: BackendError; data?: T }
  >({ state: "loading" });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const run = loadRef.current;
    if (!run) return;
    let live = true;
    setResult((previous) => ({ state: "loading", data: previous.data }));
    run().then(
      (data) => live && setResult({ state: "ok", data }),
      (err: unknown) =>
        live &&
        setResult((previous) => ({
          state: "error",
          error: err instanceof BackendError ? err : toBackendError(err),
          data: previous.data,
        })),
    );
    return () => {
      live = false;
    };
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { ...result, reload } as Load<T>;
}

/** `value`, once it has stopped changing for `delay` ms. */
export function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return settled;
}
