// A call the database rolled back because it lost a lock cycle to another transaction
// (deadlock_detected 40P01) or a serialization check (40001) left nothing behind, so it is
// run again, a few times, after a short random pause (docs/reliability.md, "Deadlocks").
// Every public SQL function is one transaction, so a retry repeats the whole call or none of it.
// Each retry is logged (`db.retry`, warn), so how often locks are lost shows in the logs.
import { log } from "@/lib/log";

export type LostLock = { fn: string; code: string; attempt: number };

const logRetry = (lost: LostLock) => log("db.retry", lost, "warn");

const retryableCodes = new Set(["40P01", "40001"]);
const attempts = 4;

export function isRetryable(error: unknown): boolean {
  return retryableCodes.has(String((error as { code?: unknown } | null)?.code ?? ""));
}

export async function retryingLostLocks<T>(call: () => Promise<T>, fn: string, onRetry: (lost: LostLock) => void = logRetry): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      onRetry({ fn, code: String((error as { code: unknown }).code), attempt });
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
