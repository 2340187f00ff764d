/** Bytes as a fetch body; Node's fetch takes any Uint8Array, the DOM typings want one backed by an ArrayBuffer. */
export function requestBody(bytes: Uint8Array): RequestInit["body"] {
  return bytes as unknown as RequestInit["body"];
}
