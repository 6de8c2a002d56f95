// TypeScript types of the public schema in the format of `supabase gen types typescript`, generated
// from a freshly migrated PGlite: `npm run db:types` writes lib/db/database.types.ts.
// tests/db/database-types.test.ts fails when the checked-in file differs from what this generates.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { withMigratedPglite, type CatalogQuery } from "./migrated-pglite";

export const databaseTypesFile = "lib/db/database.types.ts";

interface Relation { name: string; kind: string }
interface Column { tbl: string; name: string; type: string; nullable: boolean; has_default: boolean; identity: string; generated: string }
interface ForeignKey { tbl: string; name: string; columns: string[]; referenced: string; referenced_columns: string[]; one_to_one: boolean }
interface Arg { name: string; mode: string; type: string }
interface Fn { name: string; args: Arg[]; defaults: number; returns: string; returns_set: boolean }
interface EnumType { name: string; labels: string[] }
interface CompositeType { name: string; attributes: { name: string; type: string }[] }

async function readCatalog(query: CatalogQuery) {
  const relations = await query<Relation>(`
    select c.relname as name, c.relkind::text as kind from pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'f', 'v', 'm')`);
  const columns = await query<Column>(`
    select c.relname as tbl, a.attname as name, t.typname as type, not a.attnotnull as nullable,
           a.atthasdef as has_default, a.attidentity::text as identity, a.attgenerated::text as generated
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_type t on t.oid = a.atttypid
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'f', 'v', 'm')
       and a.attnum > 0 and not a.attisdropped`);
  // a relationship is one-to-one when its columns are exactly a unique key of the referencing table
  const foreignKeys = await query<ForeignKey>(`
    select c.relname as tbl, k.conname as name, r.relname as referenced,
           array(select a.attname::text from unnest(k.conkey) with ordinality u(n, i)
                   join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i) as columns,
           array(select a.attname::text from unnest(k.confkey) with ordinality u(n, i)
                   join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i) as referenced_columns,
           exists (select 1 from pg_index x where x.indrelid = k.conrelid and x.indisunique and x.indpred is null
                      and (select array_agg(v order by v) from unnest(x.indkey::int2[]) v)
                        = (select array_agg(v order by v) from unnest(k.conkey) v)) as one_to_one
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class r on r.oid = k.confrelid
     where k.contype = 'f' and c.relnamespace = 'public'::regnamespace and r.relnamespace = 'public'::regnamespace`);
  const functions = await query<Fn>(`
    select p.proname as name, p.pronargdefaults as defaults, rt.typname as returns, p.proretset as returns_set,
           coalesce((select jsonb_agg(jsonb_build_object(
                              'name', coalesce(p.proargnames[i], ''),
                              'mode', coalesce(p.proargmodes[i]::text, 'i'),
                              'type', (select t.typname from pg_type t where t.oid = coalesce(p.proallargtypes[i], p.proargtypes[i - 1])))
                            order by i)
                       from generate_series(1, coalesce(array_length(p.proallargtypes, 1), p.pronargs)) i), '[]'::jsonb) as args
      from pg_proc p join pg_type rt on rt.oid = p.prorettype
     where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
       and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`);
  const enums = await query<EnumType>(`
    select t.typname as name, array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) as labels
      from pg_type t where t.typnamespace = 'public'::regnamespace and t.typtype = 'e'`);
  const composites = await query<CompositeType>(`
    select t.typname as name,
           coalesce((select jsonb_agg(jsonb_build_object('name', a.attname, 'type', at.typname) order by a.attnum)
                       from pg_attribute a join pg_type at on at.oid = a.atttypid
                      where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped), '[]'::jsonb) as attributes
      from pg_type t join pg_class c on c.oid = t.typrelid
     where t.typnamespace = 'public'::regnamespace and t.typtype = 'c' and c.relkind = 'c'`);
  return { relations, columns, foreignKeys, functions, enums, composites };
}

type Catalog = Awaited<ReturnType<typeof readCatalog>>;

const byName = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => a.name.localeCompare(b.name));
const key = (name: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name));
const pad = (depth: number) => "  ".repeat(depth);
const never = (depth: number) => `{\n${pad(depth + 1)}[_ in never]: never\n${pad(depth)}}`;

/** The TypeScript type of a PostgreSQL type, as the Supabase generator names it. */
function tsType(pgType: string, c: Catalog): string {
  if (pgType === "bool") return "boolean";
  if (["int2", "int4", "int8", "float4", "float8", "numeric"].includes(pgType)) return "number";
  if (["bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz", "timestamp", "timestamptz", "uuid", "vector"].includes(pgType)) return "string";
  if (pgType === "json" || pgType === "jsonb") return "Json";
  if (pgType === "void") return "undefined";
  if (pgType === "record") return "Record<string, unknown>";
  if (pgType.startsWith("_")) return `${tsType(pgType.slice(1), c)}[]`;
  if (c.enums.some((e) => e.name === pgType)) return `Database["public"]["Enums"][${JSON.stringify(pgType)}]`;
  if (c.composites.some((t) => t.name === pgType)) return `Database["public"]["CompositeTypes"][${JSON.stringify(pgType)}]`;
  const relation = c.relations.find((r) => r.name === pgType);
  if (relation) return `Database["public"][${relation.kind === "v" || relation.kind === "m" ? '"Views"' : '"Tables"'}][${JSON.stringify(pgType)}]["Row"]`;
  return "unknown";
}

/** `{ a: T; b?: U }` on one line when it fits in 80 columns, else one member a line. */
function objectType(members: string[], depth: number, prefix: string): string {
  if (members.length === 0) return "Record<PropertyKey, never>";
  const inline = `{ ${members.join("; ")} }`;
  if (pad(depth).length + prefix.length + inline.length <= 80) return inline;
  return `{\n${members.map((m) => pad(depth + 1) + m).join("\n")}\n${pad(depth)}}`;
}

function block(members: string[], depth: number): string {
  return `{\n${members.map((m) => pad(depth + 1) + m).join("\n")}\n${pad(depth)}}`;
}

function tableType(table: Relation, c: Catalog, depth: number): string {
  const columns = byName(c.columns.filter((col) => col.tbl === table.name));
  const type = (col: Column) => tsType(col.type, c) + (col.nullable ? " | null" : "");
  const row = columns.map((col) => `${key(col.name)}: ${type(col)}`);
  const cannotWrite = (col: Column) => col.identity === "a" || col.generated !== "";
  const insert = columns.map((col) =>
    cannotWrite(col) ? `${key(col.name)}?: never` : `${key(col.name)}${col.nullable || col.has_default || col.identity !== "" ? "?" : ""}: ${type(col)}`,
  );
  const update = columns.map((col) => (cannotWrite(col) ? `${key(col.name)}?: never` : `${key(col.name)}?: ${type(col)}`));
  const relationships = c.foreignKeys
    .filter((fk) => fk.tbl === table.name)
    .sort((a, b) => a.name.localeCompare(b.name) || a.referenced.localeCompare(b.referenced))
    .map((fk) =>
      block(
        [
          `foreignKeyName: ${JSON.stringify(fk.name)}`,
          `columns: ${JSON.stringify(fk.columns).replaceAll(",", ", ")}`,
          `isOneToOne: ${fk.one_to_one}`,
          `referencedRelation: ${JSON.stringify(fk.referenced)}`,
          `referencedColumns: ${JSON.stringify(fk.referenced_columns).replaceAll(",", ", ")}`,
        ],
        depth + 2,
      ),
    );
  const isTable = table.kind !== "v" && table.kind !== "m";
  return block(
    [
      `Row: ${block(row, depth + 1)}`,
      ...(isTable ? [`Insert: ${block(insert, depth + 1)}`, `Update: ${block(update, depth + 1)}`] : []),
      relationships.length === 0 ? "Relationships: []" : `Relationships: [\n${relationships.map((r) => `${pad(depth + 2)}${r},`).join("\n")}\n${pad(depth + 1)}]`,
    ],
    depth,
  );
}

function functionType(fn: Fn, c: Catalog, depth: number): string {
  const inputs = fn.args.filter((a) => a.mode === "i" || a.mode === "b" || a.mode === "v");
  const firstDefault = inputs.length - fn.defaults;
  const args = inputs.map((a, i) => `${key(a.name)}${i >= firstDefault ? "?" : ""}: ${tsType(a.type, c)}`);
  const table = fn.args.filter((a) => a.mode === "t");
  let returns: string;
  if (table.length > 0) returns = block(table.map((a) => `${key(a.name)}: ${tsType(a.type, c)}`), depth + 1);
  else returns = tsType(fn.returns, c);
  return block([`Args: ${objectType(args, depth + 1, "Args: ")}`, `Returns: ${returns}${fn.returns_set ? "[]" : ""}`], depth);
}

function section(entries: [string, string][], depth: number): string {
  return entries.length === 0 ? never(depth) : block(entries.map(([name, type]) => `${key(name)}: ${type}`), depth);
}

function typesTs(c: Catalog): string {
  const relations = byName(c.relations);
  const tables = relations.filter((r) => r.kind !== "v" && r.kind !== "m");
  const views = relations.filter((r) => r.kind === "v" || r.kind === "m");
  const d = 2;
  const schema = block(
    [
      `Tables: ${section(tables.map((t) => [t.name, tableType(t, c, d + 1)]), d)}`,
      `Views: ${section(views.map((v) => [v.name, tableType(v, c, d + 1)]), d)}`,
      `Functions: ${section(byName(c.functions).map((f) => [f.name, functionType(f, c, d + 1)]), d)}`,
      `Enums: ${section(byName(c.enums).map((e) => [e.name, e.labels.map((l) => JSON.stringify(l)).join(" | ")]), d)}`,
      `CompositeTypes: ${section(byName(c.composites).map((t) => [t.name, block(t.attributes.map((a) => `${key(a.name)}: ${tsType(a.type, c)} | null`), d + 1)]), d)}`,
    ],
    1,
  );
  const constants = byName(c.enums).map((e) => `${pad(3)}${key(e.name)}: [${e.labels.map((l) => JSON.stringify(l)).join(", ")}],`);
  return `// GENERATED by scripts/db-types.ts (\`npm run db:types\`) from the migrated schema, in the format of
// \`supabase gen types typescript\`; tests/db/database-types.test.ts fails when it is stale. Do not edit.
// Rows as PostgREST sends them (timestamps as ISO strings); node-postgres and PGlite give Date objects.

export type Json =
${["string", "number", "boolean", "null", "{ [key: string]: Json | undefined }", "Json[]"].map((t) => `  | ${t}`).join("\n")}

export type Database = {
  public: ${schema}
}

type DefaultSchema = Database["public"]

${helpers}
export const Constants = {
  public: {
    Enums: ${constants.length === 0 ? "{}" : `{\n${constants.join("\n")}\n    }`},
  },
} as const
`;
}

// The CLI's helper types for the one schema: Tables<"products"> is a row of public.products.
const helpers = [
  ["Tables", "Tables", '["Row"]'],
  ["TablesInsert", "Tables", '["Insert"]'],
  ["TablesUpdate", "Tables", '["Update"]'],
  ["Enums", "Enums", ""],
  ["CompositeTypes", "CompositeTypes", ""],
]
  .map(([name, part, pick]) => `export type ${name}<Name extends keyof DefaultSchema["${part}"]> = DefaultSchema["${part}"][Name]${pick}\n`)
  .join("");

/** lib/db/database.types.ts's text, read from a migrated database. */
export async function databaseTypes(query: CatalogQuery): Promise<string> {
  return typesTs(await readCatalog(query));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(databaseTypesFile, await withMigratedPglite(databaseTypes));
  console.log(`wrote ${databaseTypesFile}`);
}
