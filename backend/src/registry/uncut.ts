import { canceledError } from "./errcode.js";

/**
 * Runs a request that may open an upload session (a POST, or a mount the registry answers with a session) so that a
 * cancel never loses the session: the request itself is not cut (cut after the registry opened the session, its
 * Location would be lost, and the session left until the registry expires it). A cancel rejects at once with
 * `canceled`; the request goes on in the background, and what it answers goes to `late` (to end the session). It has
 * no deadline of its own: a registry that stops answering is caught by the stall guard, as every request is, and a
 * deadline here would show as a cancel nobody asked for.
 */
export function uncut<T>(
  signal: AbortSignal | undefined,
  request: () => Promise<T>,
  late: (answer: T) => Promise<unknown> = async () => undefined,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(canceledError());
  const answered = request();
  if (!signal) return answered;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(canceledError());
      answered.then(late).catch(() => undefined);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    answered.then(
      (answer) => {
        signal.removeEventListener("abort", onAbort);
        resolve(answer);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err as Error);
      },
    );
  });
}
