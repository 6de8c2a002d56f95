// Typed errors: `type:surface` codes mapped to HTTP statuses in one place.

export type ErrorType =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limit"
  | "bad_gateway"
  | "unavailable"
  | "internal";

/**
 * The closed list of surfaces: what an error is about. A code is `<type>:<surface>`; a code
 * raised by a SQL function (`PTxxx`) must name one of these too, or it is not trusted
 * (lib/db/errors.ts). `database` is only ever a database's own failure (lib/db/errors.ts),
 * `model` only a language model's (lib/models/errors.ts), `server` anything else unexpected.
 */
export const errorSurfaces = [
  "action",
  "agent",
  "audio",
  "chat",
  "comment",
  "console",
  "dashboard",
  "database",
  "dataset",
  "experiment",
  "evaluator",
  "feedback",
  "login",
  "maintenance",
  "message",
  "model",
  "observation",
  "operator",
  "origin",
  "privacy",
  "products",
  "queue",
  "regenerate",
  "request",
  "retention",
  "review_item",
  "review_queue",
  "route",
  "score",
  "score_config",
  "server",
  "session",
  "settings",
  "trace",
  "traces",
  "visitor",
  "visitors",
  "voice",
  "vote",
  "whatsapp",
] as const;

export type ErrorSurface = (typeof errorSurfaces)[number];

export type ErrorCode = `${ErrorType}:${ErrorSurface}`;

export const statusByType: Record<ErrorType, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limit: 429,
  bad_gateway: 502,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, options: { retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = statusByType[code.split(":")[0] as ErrorType] ?? 500;
    this.retryAfter = options.retryAfter;
  }
}

const surfaceSet: ReadonlySet<string> = new Set(errorSurfaces);

export function isErrorCode(value: unknown): value is ErrorCode {
  if (typeof value !== "string" || !/^[a-z_]+:[a-z_]+$/.test(value)) return false;
  const [type, surface] = value.split(":");
  return Object.hasOwn(statusByType, type) && surfaceSet.has(surface);
}

/** AppError by shape, not by class: Next.js may bundle this module more than once. */
export function isAppError(value: unknown): value is AppError {
  const e = value as AppError | null;
  return value instanceof Error && e?.name === "AppError" && isErrorCode(e.code) && typeof e.status === "number";
}

/**
 * Any error as an AppError: an AppError as it is, anything else (a TypeError, a bug) as
 * `internal:server`. Database and model failures are typed where they happen (lib/db/errors.ts
 * in every database backend, lib/models/errors.ts for a model call), never guessed here from a message.
 */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError("internal:server", "Unexpected error.", { cause: error });
}
