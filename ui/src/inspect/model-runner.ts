/** The reference of a `docker model pull <reference>` command as `GET /manifest` answers it; undefined otherwise. */
export function pullReference(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  if (words.length !== 4 || words[0] !== "docker" || words[1] !== "model" || words[2] !== "pull") return undefined;
  const reference = words[3] as string;
  return reference.startsWith("-") ? undefined : reference;
}
