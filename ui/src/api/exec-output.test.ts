import { describe, expect, it } from "vitest";
import { execFailureMessage, lastOutputLine } from "./exec-output.js";

const esc = String.fromCharCode(27);

describe("lastOutputLine", () => {
  it.each([
    ["one line\n", "one line"],
    ["first\nsecond\n\n  \n", "second"],
    ["a\r\nb\r\n", "b"],
    [
      `Failed to pull model: x\n${esc}[1m\nWhat's next:${esc}[0m\n    Upgrade Docker Model Runner\n`,
      "Upgrade Docker Model Runner",
    ],
    ["", ""],
  ])("%j → %j", (text, line) => expect(lastOutputLine(text)).toBe(line));
});

describe("execFailureMessage", () => {
  const command = "docker model pull";
  it.each<[string, unknown, string]>([
    [
      "the last line of stderr",
      {
        stdout: "",
        stderr: "Failed to pull model: pulling x failed with status 404 Not Found: Model not found\n",
        code: 1,
      },
      "Failed to pull model: pulling x failed with status 404 Not Found: Model not found",
    ],
    ["stdout when stderr is empty", { stdout: "oops\n", stderr: "", code: 1 }, "oops"],
    [
      "the exit code when nothing was printed",
      { stdout: "", stderr: "", code: 125 },
      "docker model pull exited with code 125.",
    ],
    ["an Error's message", new Error("exec is not allowed"), "exec is not allowed"],
    ["something else", "nope", "docker model pull failed."],
  ])("%s", (_title, failure, message) => expect(execFailureMessage(failure, command)).toBe(message));
});
