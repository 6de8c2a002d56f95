import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresUrl } from "../support/databases";

// The SQL tests in supabase/tests/database (the layout `supabase test db` runs), run with pg_prove
// on a freshly migrated PostgreSQL database; their count goes to test-results/pgtap.json for the
// closing summary (scripts/test-summary.mjs).

const dir = "supabase/tests/database";
const files = readdirSync(dir).filter((f) => f.endsWith(".test.sql")).sort();
const counts: { file: string; tests: number; failed: number }[] = [];

describe("pgTAP on PostgreSQL", () => {
  let url: URL;
  beforeAll(async () => {
    url = new URL(await freshPostgresUrl());
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    // pgTAP lives in the test database only, never in a migration
    await client.query("create extension if not exists pgtap with schema extensions");
    // the migrations take EXECUTE from PUBLIC on every function created after them; the tests act as anon too
    await client.query("grant execute on all functions in schema extensions to anon, authenticated, service_role");
    await client.end();
  });
  afterAll(() => {
    mkdirSync("test-results", { recursive: true });
    const tests = counts.reduce((n, c) => n + c.tests, 0);
    const failed = counts.reduce((n, c) => n + c.failed, 0);
    writeFileSync("test-results/pgtap.json", JSON.stringify({ files: counts.length, tests, failed, byFile: counts }, null, 2));
  });

  it("has SQL tests", () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)("%s passes under pg_prove", (file) => {
    const res = spawnSync("pg_prove", ["-h", url.hostname, "-p", url.port, "-U", url.username, "-d", url.pathname.slice(1), `${dir}/${file}`], {
      encoding: "utf8",
    });
    const out = `${res.stdout}\n${res.stderr}`;
    const tests = Number(/Tests=(\d+)/.exec(out)?.[1] ?? 0);
    const failed = res.status === 0 ? 0 : Number(/Failed: (\d+)/.exec(out)?.[1] ?? tests);
    counts.push({ file, tests, failed });
    expect(res.error, "pg_prove is installed (scripts/ensure-tools.sh)").toBeUndefined();
    expect(out).toContain("Result: PASS");
    expect(res.status, out).toBe(0);
    expect(tests).toBeGreaterThan(0);
  });
});
