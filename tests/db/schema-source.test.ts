import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { emptyPostgresUrl } from "../support/databases";
import {
  buildFromMigrations,
  buildFromSchemas,
  catalogFacts,
  factDiff,
  grantStatements,
  inspect,
  migraSql,
  schemasDir,
  type Inspected,
} from "../support/schema-source";

// supabase/schemas/ is the source of the schema and supabase/migrations/ how databases reach it
// (docs/architecture.md, "Migrations"): both must build the same database. migra compares the
// objects in both directions; the catalog comparison covers what migra does not see (function,
// sequence and schema grants, default privileges, extensions and their schemas, the rows the
// schema writes, pg_cron jobs). PostgreSQL only: migra reads catalogs PGlite does not fill the same way.

const opened: Inspected[] = [];
async function built(prefix: string, build: (url: string) => Promise<void>): Promise<Inspected> {
  const url = await emptyPostgresUrl(prefix);
  await build(url);
  const db = await inspect(url);
  opened.push(db);
  return db;
}

/** A copy of supabase/schemas/ with some files' text changed. */
async function driftedCopy(changes: Record<string, (sql: string) => string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "threadline-schemas-"));
  await cp(schemasDir(), dir, { recursive: true });
  for (const [file, change] of Object.entries(changes)) {
    const target = path.join(dir, file);
    const before = await readFile(target, "utf8");
    const after = change(before);
    expect(after).not.toBe(before);
    await writeFile(target, after);
  }
  return dir;
}

describe("supabase/schemas and supabase/migrations", () => {
  let migrated: Inspected;
  let declared: Inspected;
  const temp: string[] = [];

  beforeAll(async () => {
    expect(inject("pgUrl")).toBeTruthy();
    // one after the other: the stand-ins create cluster-wide roles, which two builds must not race for
    migrated = await built("t_src_mig", buildFromMigrations);
    declared = await built("t_src_sch", (url) => buildFromSchemas(url));
  });
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.client.end()));
    await Promise.all(temp.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("build the same objects (migra finds nothing, either way)", async () => {
    const missing = "the migrations do not build what supabase/schemas declares: npm run db:diff -- <name> (docs/architecture.md, \"Migrations\")";
    expect(await migraSql(migrated, declared), missing).toBe("");
    expect(await migraSql(declared, migrated), missing).toBe("");
  });

  it("grant the same privileges, default privileges included, with the same extensions and rows", async () => {
    const a = await catalogFacts(migrated);
    const b = await catalogFacts(declared);
    expect(factDiff(a, b), "what the migrations build (-) and what supabase/schemas declares (+)").toEqual({});
    // the comparison is about something: the facts the release depends on are there
    expect(a.defaultPrivileges).toContain("postgres in all schemas on f: postgres EXECUTE");
    expect(a.grants.filter((g) => g.startsWith("function public.begin_turn("))).toEqual([
      expect.stringMatching(/ to postgres: EXECUTE$/),
      expect.stringMatching(/ to service_role: EXECUTE$/),
    ]);
    expect(a.extensions.some((e) => /^pg_trgm \S+ in extensions$/.test(e))).toBe(true);
    expect(a.functionSettings).toContain("session_context(uuid,integer): search_path=\"\", plan_cache_mode=force_generic_plan");
    expect(a.rows.filter((r) => r.startsWith("public.agents "))).toHaveLength(3);
    expect(a.rows.filter((r) => r.startsWith("public.agent_tools "))).toHaveLength(10);
  });

  it("fails when a schema file drifts from the migrations: a function body, a grant, a row", async () => {
    const dir = await driftedCopy({
      // a function body
      "03_sessions_and_messages.sql": (sql) => sql.replace("or p_batch < 1 then", "or p_batch < 2 then"),
      // a grant (of a private function: in public, a default privilege grants service_role every
      // function anyway) and a row the schema writes
      "02_models_and_agents.sql": (sql) =>
        sql
          .replace("GRANT ALL ON FUNCTION private.model_id(p_model_key text) TO service_role;\n", "")
          .replace("'Offer the visitor buttons'", "'Offer buttons'"),
    });
    temp.push(dir);
    const drifted = await built("t_src_drift", (url) => buildFromSchemas(url, dir));

    const sql = await migraSql(migrated, drifted);
    expect(sql).toMatch(/CREATE OR REPLACE FUNCTION public\.close_idle_sessions/);
    expect(sql).toContain("p_batch < 2 then");
    // that function and nothing else
    expect(sql.replace(/CREATE OR REPLACE FUNCTION[\s\S]*?\$function\$\n;/, "").replace("set check_function_bodies = off;", "").trim()).toBe("");

    // migra compares table grants only, and no rows: the catalog facts find the other two
    expect(factDiff(await catalogFacts(migrated), await catalogFacts(drifted))).toEqual({
      grants: ["- function private.model_id(p_model_key text) to service_role: EXECUTE"],
      rows: [
        '- public.agent_tools {"name": "offer_choices", "description": "Offer the visitor buttons"}',
        '+ public.agent_tools {"name": "offer_choices", "description": "Offer buttons"}',
      ],
    });
    expect(await grantStatements(migrated, drifted)).toEqual(["revoke execute on function private.model_id(p_model_key text) from service_role;"]);
  });
});
