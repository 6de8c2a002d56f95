import { afterEach, describe, expect, it, vi } from "vitest";

// DATABASE_PREPARED_STATEMENTS (lib/env.ts, lib/db/postgres.ts): DATABASE_URL's calls are named prepared
// statements unless it is `off` (a pooler in transaction mode); anything else stops the server at start.

describe("DATABASE_PREPARED_STATEMENTS", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });
  const load = async () => (await import("@/lib/env")).env();

  it("is on unless set", async () => {
    vi.stubEnv("DATABASE_PREPARED_STATEMENTS", "");
    expect((await load()).DATABASE_PREPARED_STATEMENTS).toBe("on");
  });

  it("may be off", async () => {
    vi.stubEnv("DATABASE_PREPARED_STATEMENTS", "off");
    expect((await load()).DATABASE_PREPARED_STATEMENTS).toBe("off");
  });

  it.each(["no", "0", "false"])("refuses %s", async (value) => {
    vi.stubEnv("DATABASE_PREPARED_STATEMENTS", value);
    await expect(load()).rejects.toThrow(/DATABASE_PREPARED_STATEMENTS/);
  });
});
