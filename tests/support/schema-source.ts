import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { createClient, type Client as PgkitClient } from "@pgkit/client";
import { Migration, PostgreSQL } from "@pgkit/migra";
import pg from "pg";
import { migratePostgres } from "@/lib/db/postgres-migrate";
import { migrationsDir } from "@/lib/db/migrate";

// The two ways to build the database, and how they are compared (docs/architecture.md, "Migrations"):
// A from supabase/migrations/ (the code the app runs), B from the stand-ins migration and
// supabase/schemas/*.sql in name order. migra (@pgkit/migra) diffs the objects; what it does not
// see (function, sequence and schema grants, default privileges, extensions' schemas, `comment on`
// texts, the rows the schema writes, pg_cron jobs) is compared here with catalog queries. Used by
// `npm run db:diff` (scripts/db-diff.ts) and tests/db/schema-source.test.ts.

const root = () => process.env.THREADLINE_ROOT ?? process.cwd();
export const schemasDir = () => path.join(root(), "supabase", "schemas");
export const STAND_INS = "20261122000000_supabase_stand_ins.sql";

/** The schema files in the order they apply. */
export async function schemaFiles(dir = schemasDir()): Promise<string[]> {
  return (await readdir(dir))
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Database A: every migration, as the app applies them (no demo seed). */
export async function buildFromMigrations(url: string): Promise<void> {
  await migratePostgres(url, { seed: false });
}

/** Database B: the stand-ins migration, then each schema file in order. */
export async function buildFromSchemas(url: string, dir = schemasDir()): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  client.on("notice", () => {}); // the pg_cron block says why it schedules nothing here
  try {
    for (const file of [path.join(migrationsDir(), STAND_INS), ...(await schemaFiles(dir))]) {
      try {
        await client.query(await readFile(file, "utf8"));
      } catch (error) {
        throw new Error(`${path.basename(file)}: ${(error as Error).message}`, { cause: error });
      }
    }
  } finally {
    await client.end();
  }
}

/** A database to diff: its inspected schema (migra) and a client for catalog queries. */
export interface Inspected {
  url: string;
  schema: PostgreSQL;
  client: PgkitClient;
}

/** The schema as migra sees it; the migrations' own history table is not part of it. */
async function inspectSchema(client: PgkitClient): Promise<PostgreSQL> {
  const schema = await PostgreSQL.create(client);
  schema.exclude_schema("supabase_migrations");
  return schema;
}

export async function inspect(url: string): Promise<Inspected> {
  const client = createClient(url);
  return { url, client, schema: await inspectSchema(client) };
}

export async function reinspect(db: Inspected): Promise<Inspected> {
  return { ...db, schema: await inspectSchema(db.client) };
}

/** migra's statements turning `from` into `to`, privileges on tables included ("" when equal). */
export async function migraSql(from: Inspected, to: Inspected): Promise<string> {
  const m = await Migration.create(from.schema, to.schema, {});
  m.set_safety(false);
  m.add_all_changes(true);
  return m.sql.trim();
}

const GRANTS = `
  with objects as (
    select 'function' as kind, format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) as name,
           coalesce(p.proacl, acldefault('f', p.proowner)) as acl
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('public', 'private')
    union all
    select case c.relkind when 'S' then 'sequence' else 'table' end, format('%I.%I', n.nspname, c.relname),
           coalesce(c.relacl, acldefault(case c.relkind when 'S' then 's' else 'r' end::"char", c.relowner))
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('public', 'private') and c.relkind in ('r', 'p', 'v', 'm', 'S')
    union all
    select 'schema', format('%I', n.nspname), coalesce(n.nspacl, acldefault('n', n.nspowner))
      from pg_namespace n where n.nspname in ('public', 'private', 'extensions', 'auth')
  )
  select o.kind, o.name, case when a.grantee = 0 then 'public' else format('%I', pg_get_userbyid(a.grantee)) end as grantee,
         a.privilege_type as privilege, a.is_grantable
    from objects o cross join lateral aclexplode(o.acl) a
   order by 1, 2, 3, 4`;

interface Grant {
  kind: string;
  name: string;
  grantee: string;
  privilege: string;
  is_grantable: boolean;
}

const grantKey = (g: Grant) => `${g.kind} ${g.name} to ${g.grantee}: ${g.privilege}${g.is_grantable ? " with grant option" : ""}`;

/** Everything migra does not compare, one line per fact. */
export async function catalogFacts(db: Inspected): Promise<Record<string, string[]>> {
  const rows = async <R>(text: string) => (await db.client.query(db.client.sql.raw<R>(text))).rows;
  const grants = (await rows<Grant>(GRANTS)).map(grantKey);
  const defaultPrivileges = (
    await rows<{ f: string }>(`
      select format('%s in %s on %s: %s %s', pg_get_userbyid(d.defaclrole), case d.defaclnamespace when 0 then 'all schemas' else d.defaclnamespace::regnamespace::text end,
                    d.defaclobjtype, case when a.grantee = 0 then 'public' else pg_get_userbyid(a.grantee) end, a.privilege_type) as f
        from pg_default_acl d cross join lateral aclexplode(d.defaclacl) a order by 1`)
  ).map((r) => r.f);
  const extensions = (
    await rows<{ f: string }>("select format('%s %s in %s', extname, extversion, extnamespace::regnamespace) as f from pg_extension order by 1")
  ).map((r) => r.f);
  // pg_cron's jobs of this database (pg_cron lives in one database per server: elsewhere there are none)
  const [{ cron }] = await rows<{ cron: boolean }>("select to_regclass('cron.job') is not null as cron");
  const cronJobs = cron
    ? (
        await rows<{ f: string }>(
          "select format('%s %s %s', jobname, schedule, command) as f from cron.job where database = current_database() order by 1",
        )
      ).map((r) => r.f)
    : [];
  // `comment on` texts (migra does not compare them)
  const comments = (
    await rows<{ f: string }>(
      "select format('%s: %s', pg_describe_object(classoid, objoid, objsubid), description) as f from pg_description where objoid >= 16384 order by 1",
    )
  ).map((r) => r.f);
  // functions' own settings (`set search_path`, `set plan_cache_mode`: migra does not compare them)
  const functionSettings = (
    await rows<{ f: string }>(
      `select format('%s: %s', p.oid::regprocedure, array_to_string(p.proconfig, ', ')) as f from pg_proc p
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace) and p.proconfig is not null order by 1`,
    )
  ).map((r) => r.f);
  return { grants, defaultPrivileges, extensions, cronJobs, comments, functionSettings, rows: await tableRows(db) };
}

/** The rows of every public table (the schema's own rows: tool names, agents, settings) and the
 * sequences' positions; timestamps are left out (now() differs between the two builds). */
async function tableRows(db: Inspected): Promise<string[]> {
  const q = async <R>(text: string) => (await db.client.query(db.client.sql.raw<R>(text))).rows;
  const tables = await q<{ name: string; skip: string[] }>(`
    select format('%I.%I', c.relnamespace::regnamespace, c.relname) as name,
           coalesce(array_agg(a.attname::text) filter (where a.atttypid in ('timestamptz'::regtype, 'timestamp'::regtype)), '{}'::text[]) as skip
      from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
     group by 1 order by 1`);
  const out: string[] = [];
  for (const t of tables) {
    const skip = `array[${t.skip.map((s) => `'${s}'`).join(",")}]::text[]`;
    for (const r of await q<{ row: string }>(`select (to_jsonb(t) - ${skip})::text as row from ${t.name} t order by 1`)) {
      out.push(`${t.name} ${r.row}`);
    }
  }
  const seqs = await q<{ f: string }>(`
    select format('%s at %s', s.schemaname || '.' || s.sequencename, coalesce(s.last_value::text, 'start')) as f
      from pg_sequences s where s.schemaname in ('public', 'private') order by 1`);
  return [...out, ...seqs.map((s) => s.f)];
}

/** The facts only one side has, per kind ("-" only in `from`, "+" only in `to`). */
export function factDiff(from: Record<string, string[]>, to: Record<string, string[]>): Record<string, string[]> {
  const diff: Record<string, string[]> = {};
  for (const kind of Object.keys(to)) {
    const a = new Set(from[kind]);
    const b = new Set(to[kind]);
    const lines = [...[...a].filter((x) => !b.has(x)).map((x) => `- ${x}`), ...[...b].filter((x) => !a.has(x)).map((x) => `+ ${x}`)];
    if (lines.length > 0) diff[kind] = lines;
  }
  return diff;
}

/** grant/revoke statements for the function, sequence and schema privileges `to` has and `from` lacks. */
export async function grantStatements(from: Inspected, to: Inspected): Promise<string[]> {
  const list = async (db: Inspected) => (await db.client.query(db.client.sql.raw<Grant>(GRANTS))).rows;
  const a = await list(from);
  const b = await list(to);
  const keys = (gs: Grant[]) => new Set(gs.map(grantKey));
  const ka = keys(a);
  const kb = keys(b);
  const on = (g: Grant) => `${g.kind} ${g.name}`;
  return [
    ...a.filter((g) => !kb.has(grantKey(g))).map((g) => `revoke ${g.privilege.toLowerCase()} on ${on(g)} from ${g.grantee};`),
    ...b
      .filter((g) => !ka.has(grantKey(g)))
      .map((g) => `grant ${g.privilege.toLowerCase()} on ${on(g)} to ${g.grantee}${g.is_grantable ? " with grant option" : ""};`),
  ];
}

/** Creates an empty database on the server of `adminUrl` and returns its URL. */
export async function createEmptyDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return adminUrl.replace(/\/[^/]*$/, `/${name}`);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
