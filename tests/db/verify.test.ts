import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { freshPostgresUrl, openPglite } from "../support/databases";

// supabase/verify.sql reports every check as a row; all must be ok on a fresh migration.

it("verify.sql runs clean with psql -f against a freshly migrated PostgreSQL", async () => {
  const url = await freshPostgresUrl();
  const out = execFileSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "|", "-f", "supabase/verify.sql"], { encoding: "utf8" });
  const rows = out.trim().split("\n").map((line) => line.split("|"));
  expect(rows.length).toBeGreaterThan(100);
  const failing = rows.filter(([, , ok]) => ok !== "t");
  expect(failing).toEqual([]);
  expect(rows.find(([check]) => check === "visitors with more than one active session")?.[3]).toBe("0");
});

it("verify.sql runs clean on PGlite", async () => {
  const t = await openPglite();
  try {
    const rows = await t.sql<{ check: string; object: string; ok: boolean }>(readFileSync("supabase/verify.sql", "utf8").replace(/;\s*$/, ""));
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
  } finally {
    await t.close();
  }
});
