import pg from "pg";
import { expect, it } from "vitest";
import { freshPostgresUrl } from "../support/databases";

// Supabase's database linter (splinter) on the migrated schema. Its lint 0001_unindexed_foreign_keys
// (github.com/supabase/splinter, lints/0001_unindexed_foreign_keys.sql) is copied below as it stands,
// but for the columns it reports: a foreign key whose columns start no valid index makes every delete
// of a referenced row scan the referencing table (docs/architecture.md, "Migrations").
const unindexedForeignKeys = `
with foreign_keys as (
    select cl.relnamespace::regnamespace::text as schema_name, cl.relname as table_name, cl.oid as table_oid,
           ct.conname as fkey_name, ct.conkey as col_attnums
      from pg_catalog.pg_constraint ct
      join pg_catalog.pg_class cl on ct.conrelid = cl.oid
      left join pg_catalog.pg_depend d on d.objid = cl.oid and d.deptype = 'e'
     where ct.contype = 'f' and d.objid is null
       and cl.relnamespace::regnamespace::text not in ('pg_catalog', 'information_schema', 'auth', 'storage', 'vault', 'extensions')
),
index_ as (
    select pi.indrelid as table_oid, indexrelid::regclass as index_,
           string_to_array(indkey::text, ' ')::smallint[] as col_attnums
      from pg_catalog.pg_index pi
     where indisvalid
)
select format('%s.%s %s', fk.schema_name, fk.table_name, fk.fkey_name) as foreign_key
  from foreign_keys fk
  left join index_ idx on fk.table_oid = idx.table_oid and fk.col_attnums = idx.col_attnums[1:array_length(fk.col_attnums, 1)]
  left join pg_catalog.pg_depend dep on idx.table_oid = dep.objid and dep.deptype = 'e'
 where idx.index_ is null
   and fk.schema_name not in (
       '_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions',
       'graphql', 'graphql_public', 'information_schema', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle',
       'pgbouncer', 'pg_catalog', 'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger',
       'topology', 'vault')
   and dep.objid is null
 order by fk.schema_name, fk.table_name, fk.fkey_name`;

it("Supabase's linter finds no unindexed foreign key on the migrated PostgreSQL (splinter 0001)", async () => {
  const client = new pg.Client({ connectionString: await freshPostgresUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ foreign_key: string }>(unindexedForeignKeys);
    expect(rows.map((r) => r.foreign_key)).toEqual([]);
  } finally {
    await client.end();
  }
});
