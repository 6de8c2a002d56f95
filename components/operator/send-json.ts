// A JSON call from an operator page's form to the operator API: the answer, or the API's error message
// thrown (`failure (status)` when the answer carries none). The one copy of that handling for the forms.
export async function sendJson<T>(url: string, method: "POST" | "PUT" | "PATCH" | "DELETE", body?: unknown, failure = "The request failed"): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!res.ok) throw new Error(answer?.error?.message ?? `${failure} (${res.status}).`);
  return answer as T;
}
