import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { expect, it } from "vitest";
import { sqlSession } from "@/lib/db/sql-session";
import { schemaContract, schemaTestFile, verifyFile, type CatalogQuery } from "../../scripts/schema-contract";
import { emptyPostgresUrl, freshPostgresUrl, openPglite } from "../support/databases";

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
  const url = await emptyPostgresUrl("editor");
  const migrations = readdirSync("supabase/migrations").filter((f) => f.endsWith(".sql")).sort();
  for (const file of migrations) execFileSync("psql", [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", `supabase/migrations/${file}`], { encoding: "utf8", stdio: "pipe" });
  const rows = psqlRows(url, "supabase/verify.sql");
  expect(rows.filter(([, , ok]) => ok !== "t")).toEqual([]);
  expect(rows.find(([check]) => check === "migrations recorded")?.[3]).toBe("no migration table: pasted into the SQL editor");
  expect(rows.find(([check]) => check === "idle sessions are closed by")?.[3]).toBe("app");
});

// verify.sql is not only checked against the schema it was generated from: on a database whose schema
// drifted from the migrations (an index, a function, a column, RLS, a grant, the data), exactly those
// rows turn false.
it("verify.sql reports each drift of a migrated PostgreSQL from the migrations", async () => {
  const url = await freshPostgresUrl();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      drop index public.conversation_sessions_one_active;
      drop function public.search_traces;
      alter table public.agent_tools drop column description;
      alter table public.flow_states disable row level security;
      alter table public.conversation_messages drop constraint conversation_messages_reply_is_agent;
      drop trigger agents_bump_version on public.agents;
      grant execute on function public.app_health() to anon;
      grant usage on schema private to authenticated;
      insert into public.conversation_sessions (user_id, agent_type, model_id, session_tag, tracking_enabled)
      select 'drifted', 'sales_pitch', m.id, 'drift_' || n, false from public.llm_models m, generate_series(1, 2) n where m.key = 'offline';`);
  } finally {
    await client.end();
  }
  const failing = psqlRows(url, "supabase/verify.sql").filter(([, , ok]) => ok !== "t")
    .map(([check, object, , detail]) => `${check}: ${object}${detail ? ` (${detail})` : ""}`);
  expect(failing).toEqual([
    "column: agent_tools.description",
    "constraint: conversation_messages.conversation_messages_reply_is_agent",
    "function (security invoker, fixed search_path): search_traces",
    "index: conversation_sessions_one_active",
    "private schema closed to API roles: authenticated",
    "public functions closed to API roles: anon (app_health)",
    "row level security: flow_states",
    "trigger: agents.agents_bump_version",
    "visitors with more than one active session: conversation_sessions (1)",
  ]);
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

// The lists are generated from the migrated catalog (scripts/schema-contract.ts): a migration that adds a
// table, column, constraint, index, trigger or function fails here until the contract is regenerated.
it.each([
  ["PGlite", async () => {
    const t = await openPglite();
    return { query: (sql: string) => t.sql(sql), close: () => t.close() };
  }],
  ["PostgreSQL", async () => {
    const client = new pg.Client({ connectionString: await freshPostgresUrl() });
    await client.connect();
    return { query: (sql: string) => sqlSession(client).query(sql), close: () => client.end() };
  }],
] as const)("verify.sql and the pgTAP schema test are what scripts/schema-contract.ts generates from the schema migrated on %s", async (_, open) => {
  const db = await open();
  try {
    const { verify, schemaTest } = await schemaContract(db.query as CatalogQuery);
    expect(readFileSync(verifyFile, "utf8"), "run `npx tsx scripts/schema-contract.ts`").toBe(verify);
    expect(readFileSync(schemaTestFile, "utf8"), "run `npx tsx scripts/schema-contract.ts`").toBe(schemaTest);
    for (const name of ["('public','search_traces')", "('public','trace_detail')", "('public','dashboard_stats')", "('agent_versions','version')", "('private','hit_rate_limit')"]) {
      expect(verify).toContain(name);
    }
  } finally {
    await db.close();
  }
});
