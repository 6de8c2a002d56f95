import { toAppError } from "@/lib/errors";

// What an operator page shows when a query fails: the typed code and a safe message.
export interface ShownError {
  code: string;
  message: string;
}

export function describeError(error: unknown): ShownError {
  const e = toAppError(error);
  return { code: e.code, message: e.status >= 500 && !e.code.startsWith("unavailable:") ? "Something went wrong on our side." : e.message };
}
