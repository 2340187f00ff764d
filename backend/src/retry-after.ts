/**
 * A `Retry-After` value in seconds (RFC 9110: delay-seconds, or an HTTP date counted from `now`); undefined when
 * absent or unreadable. The Hub and registries both send it.
 */
export function retryAfterHeaderSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim() ?? "";
  if (/^\d+$/.test(text)) return Number(text);
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
