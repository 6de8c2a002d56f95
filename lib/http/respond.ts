import { toAppError } from "../errors";
import { log } from "../log";

// Every error leaves as {error: {code, message}} with its status; never a stack trace. An error
// that is not already typed (the database backends and the model call type their own) is
// `internal:server`: a message is never read to guess what failed.

export function errorResponse(error: unknown, headers: HeadersInit = {}): Response {
  const e = toAppError(error);
  if (e.status >= 500) log("request.failed", { code: e.code, error: String((e.cause as Error)?.message ?? e.message) }, "error");
  const h = new Headers(headers);
  if (e.retryAfter !== undefined) h.set("Retry-After", String(e.retryAfter));
  h.set("Cache-Control", "no-store");
  const message = e.code.startsWith("internal:") ? "Something went wrong on our side." : e.message;
  return Response.json({ error: { code: e.code, message } }, { status: e.status, headers: h });
}

/** Runs a handler; whatever it throws becomes a typed error response. */
export async function handle(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    return errorResponse(error);
  }
}
