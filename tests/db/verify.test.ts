import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { expect, inject, it } from "vitest";
import { freshPostgresUrl, openPglite } from "../support/databases";

// supabase/verify.sql reports every check as a row; all must be ok on a fresh migration, however
// the migrations were applied, and its lists must be the schema contract the pgTAP suite tests.

const psqlRows = (url: string, file: string) =>
  execFileSync("psql", [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "|", "-f", file], { encoding: "utf8" })
    .trim().split("\n").map((line) => line.split("|"));

it("verify.sql runs clean with psql -f against a freshly migrated PostgreSQL", async () => {
  const rows = psqlRows(await freshPostgresUrl(), "supabase/verify.sql");
  expect(rows.length).toBeGreaterThan(300);
  const failing = rows.filter(([, , ok]) => ok !== "t");
  expect(failing).toEqual([]);
  expect(rows.find(([check]) => check === "visitors with more than one active session")?.[3]).toBe("0");
  expect(rows.find(([check]) => check === "migrations recorded")?.[3]).toBe("recorded by the Supabase CLI or db:migrate");
});

it("verify.sql runs clean on PostgreSQL where the migrations were pasted into the SQL editor (each file through psql -f, nothing else)", async () => {
  const base = inject("pgUrl");
  const name = `editor_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = base.replace(/\/[^/]*$/, `/${name}`);
  const migrations = readdirSync("supabase/migrations").filter((f) => f.endsWith(".sql")).sort();
  for (const file of migrations) execFileSync("psql", [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", `supabase/migrations/${file}`], { encoding: "utf8", stdio: "pipe" });
  const rows = psqlRows(url, "supabase/verify.sql");
  expect(rows.filter(([, , ok]) => ok !== "t")).toEqual([]);
  expect(rows.find(([check]) => check === "migrations recorded")?.[3]).toBe("no migration table: pasted into the SQL editor");
  expect(rows.find(([check]) => check === "idle sessions are closed by")?.[3]).toBe("app");
});

it("verify.sql runs clean on PGlite", async () => {
  const t = await openPglite();
  try {
    const rows = await t.sql<{ check: string; object: string; ok: boolean }>(readFileSync("supabase/verify.sql", "utf8").replace(/;\s*$/, ""));
    expect(rows.length).toBeGreaterThan(300);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
  } finally {
    await t.close();
  }
});

it("verify.sql checks exactly the tables, columns, constraints, indexes and functions of the pgTAP schema test", () => {
  const verify = readFileSync("supabase/verify.sql", "utf8");
  const contract = readFileSync("supabase/tests/database/01_schema.test.sql", "utf8");
  const listed = (re: RegExp, text: string) => [...text.matchAll(re)].map((m) => m.slice(1).join(".")).sort();
  const section = (name: string) => verify.slice(verify.indexOf(`${name}(`), verify.indexOf("\n),", verify.indexOf(`${name}(`)) + 1);
  expect(listed(/\('(\w+)','(\w+)'\)/g, section("expected_columns"))).toEqual(listed(/col_type_is\('public', '(\w+)', '(\w+)'/g, contract));
  expect(listed(/\('(\w+)','(\w+)'\)/g, section("expected_constraints")))
    .toEqual(listed(/k\.conrelid = 'public\.(\w+)'::regclass and k\.conname = '(\w+)'/g, contract));
  expect(listed(/\('(\w+)'\)/g, section("expected_indexes")))
    .toEqual(listed(/has_index\('public', '\w+', '(\w+)'/g, contract).filter((i) => !i.endsWith("_pkey")));
  const functions = verify.slice(verify.indexOf("expected_functions("), verify.indexOf("\n)\n", verify.indexOf("expected_functions(")));
  expect(listed(/\('(\w+)'\)/g, functions)).toEqual(listed(/has_function\('public', '(\w+)'/g, contract));
  expect(functions).toContain("('search_traces')");
  expect(functions).toContain("('trace_detail')");
  expect(functions).toContain("('dashboard_stats')");
});
