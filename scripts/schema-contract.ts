// The schema contract, generated from the migrated catalog so it cannot drift from the migrations:
// writes supabase/verify.sql (for the SQL editor) and supabase/tests/database/01_schema.test.sql
// (pgTAP). Run after adding a migration: `npx tsx scripts/schema-contract.ts`.
// tests/db/verify.test.ts fails when the checked-in files differ from what this generates.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { withMigratedPglite, type CatalogQuery } from "./migrated-pglite";

export type { CatalogQuery };

export const verifyFile = "supabase/verify.sql";
export const schemaTestFile = "supabase/tests/database/01_schema.test.sql";

interface Column { tbl: string; col: string; type: string; not_null: boolean }
interface Constraint { tbl: string; con: string; contype: string }
interface Index { tbl: string; idx: string; is_unique: boolean; is_primary: boolean }
interface Trigger { tbl: string; trg: string }
interface Fn { schema: string; fn: string }

const kinds: Record<string, string> = { c: "check constraint", f: "foreign key", p: "primary key", u: "unique constraint", t: "constraint trigger", x: "exclusion constraint" };

async function readCatalog(query: CatalogQuery) {
  const tables = (await query<{ tbl: string }>(`
    select c.relname as tbl from pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1`)).map((r) => r.tbl);
  const columns = await query<Column>(`
    select c.relname as tbl, a.attname as col, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null
      from pg_attribute a join pg_class c on c.oid = a.attrelid
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
     order by c.relname, a.attnum`);
  const constraints = await query<Constraint>(`
    select c.relname as tbl, k.conname as con, k.contype::text as contype
      from pg_constraint k join pg_class c on c.oid = k.conrelid
     where c.relnamespace = 'public'::regnamespace and k.contype <> 'n' order by 1, 2`);
  const indexes = await query<Index>(`
    select t.relname as tbl, i.relname as idx, x.indisunique as is_unique, x.indisprimary as is_primary
      from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
     where t.relnamespace = 'public'::regnamespace order by 1, 2`);
  const triggers = await query<Trigger>(`
    select c.relname as tbl, g.tgname as trg from pg_trigger g join pg_class c on c.oid = g.tgrelid
     where c.relnamespace = 'public'::regnamespace and not g.tgisinternal order by 1, 2`);
  const functions = await query<Fn>(`
    select distinct n.nspname as schema, p.proname as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('public', 'private')
       and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
     order by 1, 2`);
  return { tables, columns, constraints, indexes, triggers, functions };
}

type Catalog = Awaited<ReturnType<typeof readCatalog>>;

const lines = (items: string[], perLine: number, indent = "  ") => {
  const out: string[] = [];
  for (let i = 0; i < items.length; i += perLine) out.push(indent + items.slice(i, i + perLine).join(","));
  return out.join(",\n");
};

/** Where verify.sql's generated lists end; the checks after this line are written in verify.sql itself. */
const listsEnd = "-- end of the generated lists";

/** verify.sql with its expected_* lists generated from the catalog and its hand-written checks kept. */
function verifySql(c: Catalog, current: string): string {
  const start = current.indexOf("with expected_columns");
  const end = current.indexOf(listsEnd);
  if (start < 0 || end < start) throw new Error(`${verifyFile} must keep its "with expected_columns" … "${listsEnd}" lines`);
  const list = (name: string, rows: string[][], perLine: number) =>
    `${name} as (values\n${lines(rows.map((r) => `(${r.map((v) => `'${v}'`).join(",")})`), perLine)}\n)`;
  const lists = [
    list("expected_columns(tbl, col)", c.columns.map((r) => [r.tbl, r.col]), 5),
    list("expected_constraints(tbl, con)", c.constraints.map((r) => [r.tbl, r.con]), 3),
    list("expected_indexes(idx)", c.indexes.filter((r) => !r.is_primary).map((r) => [r.idx]), 4),
    list("expected_triggers(tbl, trg)", c.triggers.map((r) => [r.tbl, r.trg]), 2),
    list("expected_functions(schema, fn)", c.functions.map((f) => [f.schema, f.fn]), 4),
  ];
  return `${current.slice(0, start)}with ${lists.join(",\n")}\n${current.slice(end)}`;
}

const quote = (v: string) => `'${v}'`;
const names = (items: string[]) => `array[${items.map(quote).join(", ")}]::name[]`;

/** A pgTAP call on each row of a VALUES list (one assertion a row, in the list's order), or on each row
 * of `perRow`, a list of assertions made for each row of the VALUES list. */
function each(call: string, columns: string, rows: string[][], perRow?: string): string {
  const list = `(values\n${rows.map((r) => `  (${r.join(", ")})`).join(",\n")}\n  ) x(${columns})`;
  return `select ${call}\n  from ${list}${perRow ? `\n  cross join lateral ${perRow}` : ""};`;
}

function schemaTestSql(c: Catalog): string {
  const byTable = <T extends { tbl: string }>(items: T[], pick: (item: T) => string) =>
    c.tables.map((t) => [quote(t), names(items.filter((i) => i.tbl === t).map(pick))]);
  const unique = c.indexes.filter((r) => r.is_unique && !r.is_primary);
  const tests: [number, string][] = [
    [1, `select tables_are('public', ${names(c.tables)}, 'public has exactly the contract''s tables');`],
    [c.tables.length, each("columns_are('public', x.tbl, x.cols, format('%s has exactly its columns', x.tbl))", "tbl, cols", byTable(c.columns, (r) => r.col))],
    [2 * c.columns.length, each(
      "t.ok", "tbl, col, type, not_null", c.columns.map((r) => [quote(r.tbl), quote(r.col), quote(r.type), String(r.not_null)]),
      "(values (col_type_is('public', x.tbl, x.col, x.type, format('%s.%s is %s', x.tbl, x.col, x.type))),\n" +
        "    (case when x.not_null then col_not_null('public', x.tbl, x.col, format('%s.%s is not null', x.tbl, x.col))\n" +
        "          else col_is_null('public', x.tbl, x.col, format('%s.%s is nullable', x.tbl, x.col)) end)) t(ok)")],
    [c.constraints.length, each(
      "ok(exists (select 1 from pg_constraint k where k.conrelid = ('public.' || x.tbl)::regclass and k.conname = x.con and k.contype = x.contype),\n          format('%s has %s %s', x.tbl, x.kind, x.con))", "tbl, con, contype, kind",
      c.constraints.map((r) => [r.tbl, r.con, r.contype, kinds[r.contype] ?? r.contype].map(quote)))],
    [c.tables.length, each("indexes_are('public', x.tbl, x.idx, format('%s has exactly its indexes', x.tbl))", "tbl, idx", byTable(c.indexes, (r) => r.idx))],
    [unique.length, each("index_is_unique('public', x.tbl, x.idx, format('%s is unique', x.idx))", "tbl, idx", unique.map((r) => [r.tbl, r.idx].map(quote)))],
    [1, `select set_eq($$select c.relname || '.' || g.tgname from pg_trigger g join pg_class c on c.oid = g.tgrelid
                  where c.relnamespace = 'public'::regnamespace and not g.tgisinternal$$,
              ${names(c.triggers.map((r) => `${r.tbl}.${r.trg}`)).replace("::name[]", "")}, 'public has exactly the contract''s triggers');`],
    ...["public", "private"].map((schema): [number, string] => [1,
      `select functions_are('${schema}', ${names(c.functions.filter((f) => f.schema === schema).map((f) => f.fn))}, '${schema} has exactly the contract''s functions');`]),
  ];
  const fixed = [
    `-- every foreign key cascades or clears, so deleting a model or session never strands rows
select is_empty($$
  select k.conname from pg_constraint k
   where k.connamespace = 'public'::regnamespace and k.contype = 'f' and k.confdeltype not in ('c', 'n')
$$, 'every foreign key in public cascades or sets null on delete');`,
    `-- every function, public or private, is security invoker with an empty search_path
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
   where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace) and p.prosecdef
$$, 'no public or private function is security definer');`,
    `select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
   where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
     and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
     and not coalesce('search_path=""' = any (p.proconfig) or 'search_path=' = any (p.proconfig), false)
$$, 'every public and private function runs with search_path = ''''');`,
    `-- every timestamp is timestamptz
select is_empty($$
  select c.table_name || '.' || c.column_name from information_schema.columns c
   where c.table_schema = 'public' and c.data_type like 'timestamp%' and c.data_type <> 'timestamp with time zone'
$$, 'every timestamp column is timestamptz');`,
    `-- every agent has a snapshot of its current version
select is_empty($$
  select a.key from public.agents a
   where not exists (select 1 from public.agent_versions v where v.agent_key = a.key and v.version = a.version)
$$, 'every agent has a snapshot of its current version');`,
  ];
  return `-- The schema as a contract (docs/architecture.md, "SQL tests"): every table, column (type and
-- nullability), named constraint, index, trigger and public or private function the app and operators rely on.
-- GENERATED by scripts/schema-contract.ts from the migrated catalog, with supabase/verify.sql;
-- tests/db/verify.test.ts fails when they are stale.
-- Run with \`pg_prove\` on a migrated database with pgtap in the \`extensions\` schema (tests/db/pgtap.test.ts).
begin;
set local search_path = extensions, public;
select plan(${tests.reduce((n, [count]) => n + count, 0) + fixed.length});

${tests.map(([, sql]) => sql).join("\n\n")}

${fixed.join("\n\n")}

select * from finish();
rollback;
`;
}

/** Both files' text, read from a migrated database. */
export async function schemaContract(query: CatalogQuery): Promise<{ verify: string; schemaTest: string }> {
  const catalog = await readCatalog(query);
  return { verify: verifySql(catalog, readFileSync(verifyFile, "utf8")), schemaTest: schemaTestSql(catalog) };
}

async function main() {
  const { verify, schemaTest } = await withMigratedPglite(schemaContract);
  writeFileSync(verifyFile, verify);
  writeFileSync(schemaTestFile, schemaTest);
  console.log(`wrote ${verifyFile} and ${schemaTestFile}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
