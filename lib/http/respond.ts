import { isAppError } from "../errors";
import { log } from "../log";
import { toAppError } from "../db/errors";

// Every error leaves as {error: {code, message}} with its status; never a stack trace.

export function errorResponse(error: unknown, headers: HeadersInit = {}): Response {
  const e = isAppError(error) ? error : toAppError(error);
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
