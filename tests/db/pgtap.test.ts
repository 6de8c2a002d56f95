import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres } from "@/lib/db/postgres-migrate";
import { emptyPostgresUrl, freshPostgresUrl } from "../support/databases";

// The SQL tests in supabase/tests/database (the layout `supabase test db` runs), run with pg_prove
// on a freshly migrated PostgreSQL database; their count goes to test-results/pgtap.json for the
// closing summary (scripts/test-summary.mjs).

const dir = "supabase/tests/database";
const files = readdirSync(dir).filter((f) => f.endsWith(".test.sql")).sort();
const counts: { file: string; tests: number; failed: number }[] = [];

/** A freshly migrated PostgreSQL database with pgTAP, after `prepare` (SQL) ran on it. */
async function pgtapDatabase(prepare = ""): Promise<URL> {
  const url = new URL(await freshPostgresUrl());
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  // pgTAP lives in the test database only, never in a migration
  await client.query("create extension if not exists pgtap with schema extensions");
  // the migrations take EXECUTE from PUBLIC on every function created after them; the tests act as anon too
  await client.query("grant execute on all functions in schema extensions to anon, authenticated, service_role");
  if (prepare) await client.query(prepare);
  await client.end();
  return url;
}

// What a Supabase project's `postgres` image sets before any migration of ours: every new table,
// sequence and function of `postgres` in public is granted to the API roles (supabase/postgres,
// migrations/db/init-scripts/00000000000000-initial-schema.sql).
const supabaseDefaults = `
  grant usage on schema public to postgres, anon, authenticated, service_role;
  alter default privileges in schema public grant all on tables to postgres, anon, authenticated, service_role;
  alter default privileges in schema public grant all on functions to postgres, anon, authenticated, service_role;
  alter default privileges in schema public grant all on sequences to postgres, anon, authenticated, service_role;
  alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
  alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
  alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;`;

/** A database that got Supabase's default privileges first, then the migrations, then pgTAP. */
async function supabaseDefaultsDatabase(): Promise<URL> {
  const url = new URL(await emptyPostgresUrl("supa"));
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  // the API roles exist before the migrations on Supabase (the stand-ins migration then changes nothing)
  await client.query(`do $$ begin
    if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
    if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
    if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
  end $$`);
  await client.query(supabaseDefaults);
  await client.end();
  await migratePostgres(url.toString());
  const after = new pg.Client({ connectionString: url.toString() });
  await after.connect();
  await after.query("create extension if not exists pgtap with schema extensions");
  await after.query("grant execute on all functions in schema extensions to anon, authenticated, service_role");
  await after.end();
  return url;
}

function pgProve(url: URL, file: string) {
  const res = spawnSync("pg_prove", ["-h", url.hostname, "-p", url.port, "-U", url.username, "-d", url.pathname.slice(1), `${dir}/${file}`], {
    encoding: "utf8",
  });
  return { res, out: `${res.stdout}\n${res.stderr}` };
}

describe("pgTAP on PostgreSQL", () => {
  let url: URL;
  beforeAll(async () => {
    url = await pgtapDatabase();
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
    const { res, out } = pgProve(url, file);
    const tests = Number(/Tests=(\d+)/.exec(out)?.[1] ?? 0);
    const failed = res.status === 0 ? 0 : Number(/Failed: (\d+)/.exec(out)?.[1] ?? tests);
    counts.push({ file, tests, failed });
    expect(res.error, "pg_prove is installed (scripts/ensure-tools.sh)").toBeUndefined();
    expect(out).toContain("Result: PASS");
    expect(res.status, out).toBe(0);
    expect(tests).toBeGreaterThan(0);
  });
});

// Issue 23 item 2: on a real Supabase project anon and authenticated would get every privilege on
// new tables and EXECUTE on new functions; the migrations take that back, keeping only SELECT on the
// tables their RLS policies filter.
describe("pgTAP under Supabase's default privileges", () => {
  it("02_security passes: anon and authenticated execute no function and hold no privilege beyond the policies'", async () => {
    const url = await supabaseDefaultsDatabase();
    const { res, out } = pgProve(url, "02_security.test.sql");
    expect(out).toContain("Result: PASS");
    expect(res.status, out).toBe(0);
  });
});

// The invariants are tested against the constraints themselves, not through functions whose advisory
// locks would hide a missing one: without any one of them, 03_invariants fails.
describe("pgTAP's invariants fail without their constraint", () => {
  it.each([
    ["conversation_sessions_one_active", "drop index public.conversation_sessions_one_active"],
    ["llm_traces_session_id_key", "alter table public.llm_traces drop constraint llm_traces_session_id_key"],
    ["conversation_sessions_user_tag", "alter table public.conversation_sessions drop constraint conversation_sessions_user_tag"],
    ["llm_traces_user_tag", "alter table public.llm_traces drop constraint llm_traces_user_tag"],
    ["session_tag_counters_pkey", "alter table public.session_tag_counters drop constraint session_tag_counters_pkey"],
    ["conversation_messages_client_id_per_user", "drop index public.conversation_messages_client_id_per_user"],
    ["conversation_messages_client_id_per_session", "alter table public.conversation_messages drop constraint conversation_messages_client_id_per_session"],
    ["conversation_messages_one_reply", "drop index public.conversation_messages_one_reply"],
    ["scores_one_per_author", "alter table public.scores drop constraint scores_one_per_author", "07_scores.test.sql"],
    ["evaluation_jobs_once", "alter table public.evaluation_jobs drop constraint evaluation_jobs_once", "08_evaluators.test.sql"],
  ])("without %s", async (_, drop, file = "03_invariants.test.sql") => {
    const { res, out } = pgProve(await pgtapDatabase(drop), file);
    expect(out).toContain("Result: FAIL");
    expect(res.status).not.toBe(0);
  });
});
