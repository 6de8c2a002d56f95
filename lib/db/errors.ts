import { AppError, isAppError, isErrorCode } from "../errors";

// Maps a driver error (pg, PGlite, PostgREST) to a typed AppError. Only the database backends
// (lib/db/postgres.ts, pglite.ts, supabase.ts) and the database's opening (lib/db/index.ts) call it:
// whatever reaches it IS a database's failure, so its message may be read for a lost connection.
interface DriverError {
  code?: string;
  message?: string;
  detail?: string;
  details?: string;
}

const unavailableCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "57P01", "57P02", "57P03", "53300", "40P01", "40001", "PGRST000", "PGRST001", "PGRST002"]);

export function toDatabaseError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const e = (error ?? {}) as DriverError;
  const message = String(e.message ?? "");
  const detail = e.detail ?? e.details ?? "";
  // 1. our own SQL functions raise PTxxx with a typed code as message
  if (isErrorCode(message)) return new AppError(message, detail || message, { cause: error });
  // 2. the database is out of reach
  const code = String(e.code ?? "");
  if (unavailableCodes.has(code) || code.startsWith("08") || /connect|terminat|fetch failed|socket|closed|timeout/i.test(message)) {
    return new AppError("unavailable:database", "The database is unavailable. Try again shortly.", { retryAfter: 5, cause: error });
  }
  // 3. input the database refused
  if (code === "23505") return new AppError("conflict:database", "That was already stored.", { cause: error });
  if (code.startsWith("22") || code.startsWith("23")) return new AppError("bad_request:database", "The database rejected this input.", { cause: error });
  return new AppError("internal:database", "Unexpected database error.", { cause: error });
}
