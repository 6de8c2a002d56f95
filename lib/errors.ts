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

export type ErrorCode = `${ErrorType}:${string}`;

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

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && /^[a-z_]+:[a-z_]+$/.test(value) && value.split(":")[0] in statusByType;
}

/** AppError by shape, not by class: Next.js may bundle this module more than once. */
export function isAppError(value: unknown): value is AppError {
  const e = value as AppError | null;
  return value instanceof Error && e?.name === "AppError" && isErrorCode(e.code) && typeof e.status === "number";
}
