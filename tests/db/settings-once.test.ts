import { describe, expect, it, vi } from "vitest";
import type { Database } from "@/lib/db/types";
import { backends, databaseFor } from "../support/databases";

// Settings are settled once per process and database (lib/settings.ts), even when Next.js bundles
// lib/settings.ts once per route: a chat route's first turn then costs no ensure_setting round trip.

/** The same database, counting the functions called through it. */
function counting(db: Database): { db: Database; calls: string[] } {
  const calls: string[] = [];
  const wrapped = Object.create(db) as Database;
  wrapped.rpc = ((name: string, args: unknown) => {
    calls.push(name);
    return (db.rpc as (n: string, a: unknown) => Promise<unknown>)(name, args);
  }) as Database["rpc"];
  return { db: wrapped, calls };
}

describe.each(backends)("settings settled once on $name", ({ open }) => {
  const t = databaseFor(open);

  it("two copies of lib/settings (two route bundles) share the session secret: one ensure_setting", async () => {
    vi.stubEnv("SESSION_SECRET", "");
    try {
      const { db, calls } = counting(t.db);
      vi.resetModules();
      const first = await import("@/lib/settings");
      vi.resetModules();
      const second = await import("@/lib/settings");
      expect(first.sessionSecret).not.toBe(second.sessionSecret); // two module instances, as two bundles
      const a = await first.sessionSecret(db);
      const b = await second.sessionSecret(db);
      expect(b).toBe(a);
      expect(calls.filter((c) => c === "ensure_setting")).toHaveLength(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
