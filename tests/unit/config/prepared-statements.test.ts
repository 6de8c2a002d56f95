import { afterEach, describe, expect, it, vi } from "vitest";

// DATABASE_PREPARED_STATEMENTS (lib/env.ts, lib/db/postgres.ts): DATABASE_URL's calls are named prepared
// statements when `on`, unnamed when `off` (a pooler in transaction mode), and `auto` (the default) decides
// by the address; anything else stops the server at start.

describe("DATABASE_PREPARED_STATEMENTS", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });
  const load = async () => (await import("@/lib/env")).env();

  it("is auto unless set", async () => {
    vi.stubEnv("DATABASE_PREPARED_STATEMENTS", "");
    expect((await load()).DATABASE_PREPARED_STATEMENTS).toBe("auto");
  });

  it("auto: off for an address that reads as a pooler in transaction mode (port 6543, pgbouncer=true), else on", async () => {
    const { preparedStatementsFor } = await import("@/lib/db/postgres");
    expect(preparedStatementsFor("auto", "postgres://u:p@db.example.com:5432/postgres")).toBe(true);
    expect(preparedStatementsFor("auto", "postgresql://u:p@aws-0-eu.pooler.supabase.com:6543/postgres")).toBe(false);
    expect(preparedStatementsFor("auto", "postgres://u:p@bouncer:6432/app?pgbouncer=true")).toBe(false);
    expect(preparedStatementsFor("auto", "host=/tmp dbname=app")).toBe(true);
    expect(preparedStatementsFor("on", "postgresql://u:p@pooler:6543/postgres")).toBe(true);
    expect(preparedStatementsFor("off", "postgres://u:p@db:5432/app")).toBe(false);
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
