import { describe, expect, it } from "vitest";
import { uncut } from "./uncut.js";

describe("uncut", () => {
  it("rejects with canceled at once, lets the request finish and hands its answer to late", async () => {
    const stop = new AbortController();
    let finish: (value: string) => void = () => undefined;
    const late: string[] = [];
    const running = uncut(
      stop.signal,
      () => new Promise<string>((resolve) => (finish = resolve)),
      async (answer) => late.push(answer),
    );
    stop.abort();
    await expect(running).rejects.toMatchObject({ code: "canceled" });
    finish("session-1");
    await new Promise((resolve) => setImmediate(resolve));
    expect(late).toEqual(["session-1"]);
  });

  it("answers as the request does when nothing is canceled, and never starts one already canceled", async () => {
    await expect(uncut(new AbortController().signal, async () => 7)).resolves.toBe(7);
    await expect(uncut(undefined, async () => Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    let started = false;
    await expect(
      uncut(AbortSignal.abort(), async () => {
        started = true;
        return 1;
      }),
    ).rejects.toMatchObject({ code: "canceled" });
    expect(started).toBe(false);
  });
});
