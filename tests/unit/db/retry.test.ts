import { describe, expect, it } from "vitest";
import { toDatabaseError } from "@/lib/db/errors";
import { type LostLock, retryingLostLocks } from "@/lib/db/retry";

// docs/reliability.md, "Deadlocks": a call PostgreSQL rolled back for a lost lock cycle runs again.
const lost = (code: string) => Object.assign(new Error("deadlock detected"), { code });

describe("retryingLostLocks", () => {
  it("runs a call again after a deadlock or a serialization failure, and answers its result", async () => {
    let calls = 0;
    const retries: LostLock[] = [];
    const result = await retryingLostLocks(async () => {
      calls++;
      if (calls === 1) throw lost("40P01");
      if (calls === 2) throw lost("40001");
      return "stored";
    }, "finish_turn", (r) => retries.push(r));
    expect(result).toBe("stored");
    expect(calls).toBe(3);
    // each retry is reported (logged as db.retry by default), the answered attempt is not
    expect(retries).toEqual([
      { fn: "finish_turn", code: "40P01", attempt: 1 },
      { fn: "finish_turn", code: "40001", attempt: 2 },
    ]);
  });

  it("does not repeat any other error", async () => {
    let calls = 0;
    await expect(retryingLostLocks(async () => {
      calls++;
      throw lost("23505");
    }, "begin_turn", () => {})).rejects.toMatchObject({ code: "23505" });
    expect(calls).toBe(1);
  });

  it("gives up after four attempts; what is left is a 503 to try again, not a 500", async () => {
    let calls = 0;
    const error = await retryingLostLocks(async () => {
      calls++;
      throw lost("40P01");
    }, "begin_turn", () => {}).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(toDatabaseError(error)).toMatchObject({ code: "unavailable:database" });
  });
});
