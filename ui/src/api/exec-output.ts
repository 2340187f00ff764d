/** What a host command printed, made into one sentence for people (pure, so it is tested in node). */

// Colour and cursor sequences the docker CLI writes even when its output is no terminal (`What's next:` is bold).
const ansiSequence = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

/** The last non-empty line of a command's output, without terminal escape sequences; "" when there is none. */
export function lastOutputLine(text: string): string {
  const lines = text
    .replace(ansiSequence, "")
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines.at(-1) ?? "";
}

/**
 * Why an exec failed: the last line of its stderr (else of its stdout), from the `{stdout, stderr, code}` that
 * `ddClient.docker.cli.exec` rejects with, or the message of an Error.
 */
export function execFailureMessage(failure: unknown, command: string): string {
  if (typeof failure === "object" && failure !== null) {
    const { stderr, stdout, code } = failure as { stderr?: unknown; stdout?: unknown; code?: unknown };
    const line =
      (typeof stderr === "string" ? lastOutputLine(stderr) : "") ||
      (typeof stdout === "string" ? lastOutputLine(stdout) : "");
    if (line) return line;
    if (typeof code === "number") return `${command} exited with code ${code}.`;
    if (failure instanceof Error && failure.message) return failure.message;
  }
  return `${command} failed.`;
}
