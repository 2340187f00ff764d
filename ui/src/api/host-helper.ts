/** How the UI starts the host helper `model-publisher-credentials` and reads its failures (pure, tested in node). */

/** The helper's name as Desktop starts it on `ddClient.host.platform`: Windows runs the `.cmd` (metadata.json). */
export function hostHelperName(platform: string): string {
  return platform === "win32" ? "model-publisher-credentials.cmd" : "model-publisher-credentials";
}

/** The helper's one-line reason from a rejected exec (its stderr; it never prints a secret there). */
export function hostHelperProblem(rejected: unknown): string {
  const stderr =
    typeof rejected === "object" && rejected !== null && "stderr" in rejected && typeof rejected.stderr === "string"
      ? rejected.stderr
      : "";
  const line =
    stderr
      .trim()
      .split("\n")[0]
      ?.replace(/^model-publisher-credentials: /, "") ?? "";
  return line ? line.slice(0, 300) : "the extension's host helper could not run on this computer";
}
