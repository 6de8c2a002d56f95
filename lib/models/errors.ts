import { APICallError, RetryError } from "ai";
import { AppError } from "../errors";

// A model call's failure as the visitor's answer: the provider is out of reach, overloaded or too
// slow (a timeout, a refused connection, 408, 429, 5xx) → `503 unavailable:model` with a
// Retry-After; it answered something unusable (another 4xx, a malformed stream, a refusal) →
// `502 bad_gateway:model`. Never a database code: the question was stored before the model ran.

const unreachable = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET"]);

function transient(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  if (RetryError.isInstance(error)) return transient(error.lastError, depth + 1);
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === undefined) return error.isRetryable || transient(error.cause, depth + 1);
    return status === 408 || status === 429 || status >= 500;
  }
  const e = error as { name?: string; code?: string; cause?: unknown };
  if (e.name === "TimeoutError" || e.name === "AbortError") return true;
  if (e.code && unreachable.has(e.code)) return true;
  // fetch() rejects with a TypeError whose cause is the socket's error
  return transient(e.cause, depth + 1);
}

export function modelError(error: unknown): AppError {
  const message = "The model did not answer. Your message is saved; try again.";
  return transient(error)
    ? new AppError("unavailable:model", message, { retryAfter: 5, cause: error })
    : new AppError("bad_gateway:model", message, { retryAfter: 1, cause: error });
}
