// One call of the product's HTTP API as its clients make it: the body sent as JSON when there is one, the answer read
// back as JSON (`undefined` when it is empty, as a 204 is), with its raw text for suites that search it.

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
}

/** `method path` on the backend at `baseUrl` (`http://127.0.0.1:<port>`). */
export async function callApi(baseUrl: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, text };
}
