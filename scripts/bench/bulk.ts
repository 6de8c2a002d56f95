import pg from "pg";
import { progress } from "./common";

// What the bench's bulk loads (seed-traces.ts, seed-messages.ts) share: a timed statement, a second
// connection, a small pool that runs independent statements (index builds, recounts) on two
// connections at once (the machine has two cores; a GIN build cannot use a parallel worker), the
// definitions of the indexes and constraints a bulk load builds after the rows, and the insert
// triggers it switches off (by name, only those whose work it replaces; any other trigger stays on).
// docs/performance.md, "10 million traces".

export async function timed(client: pg.Client, label: string, sql: string, params: unknown[] = []): Promise<void> {
  const started = performance.now();
  await client.query(sql, params);
  progress(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** A second connection to the same database, with the same load settings, closed by the caller. */
export async function sibling(client: pg.Client, settings: string[]): Promise<pg.Client> {
  const other = new pg.Client({ host: client.host, port: client.port, database: client.database, user: client.user, password: client.password });
  await other.connect();
  for (const s of settings) await other.query(s);
  return other;
}

export interface Task {
  label: string;
  sql: string;
  params?: unknown[];
}

/** Runs the tasks on the given connections, each connection taking the next task when it is free (longest first is the caller's order). */
export async function runPool(clients: pg.Client[], tasks: Task[]): Promise<void> {
  const queue = [...tasks];
  await Promise.all(
    clients.map(async (c) => {
      for (let t = queue.shift(); t; t = queue.shift()) await timed(c, t.label, t.sql, t.params ?? []);
    }),
  );
}

export interface Constraint {
  table: string;
  name: string;
  type: string;
  def: string;
}

/**
 * The keys, unique keys and foreign keys of the given tables, and the foreign keys pointing to them:
 * dropped for a load and re-added after it (adding a key or a foreign key checks every row, so nothing
 * unchecked gets in). Foreign keys first: they depend on the keys.
 */
export async function constraintDefs(client: pg.Client, tables: string[]): Promise<Constraint[]> {
  const { rows } = await client.query<Constraint>(
    `select c.conrelid::regclass::text as table, c.conname as name, c.contype::text as type, pg_get_constraintdef(c.oid) as def
       from pg_constraint c
      where c.contype in ('f', 'p', 'u')
        and (c.conrelid = any($1::regclass[]) or (c.contype = 'f' and c.confrelid = any($1::regclass[])))
      order by (c.contype = 'f') desc, 1, 2`,
    [tables],
  );
  return rows;
}

/** The indexes of the given tables that back no constraint, largest build first (GIN, then multi-column). */
export async function indexDefs(client: pg.Client, tables: string[]): Promise<{ name: string; def: string }[]> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
       from pg_index i
      where i.indrelid = any($1::regclass[])
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
      order by 1`,
    [tables],
  );
  return rows;
}

/** The order a build queue takes them in: GIN first (the longest, single-threaded), then by name. */
export function longestFirst<T extends { def: string }>(list: T[]): T[] {
  const weight = (d: string) => (/using gin/i.test(d) ? 0 : /using brin/i.test(d) ? 2 : 1);
  return [...list].sort((a, b) => weight(a.def) - weight(b.def));
}

export async function dropForLoad(client: pg.Client, tables: string[]): Promise<{ constraints: Constraint[]; indexes: { name: string; def: string }[] }> {
  const indexes = await indexDefs(client, tables);
  for (const ix of indexes) await client.query(`drop index ${ix.name}`);
  const constraints = await constraintDefs(client, tables);
  for (const c of constraints) await client.query(`alter table ${c.table} drop constraint ${c.name}`);
  return { constraints, indexes };
}

/**
 * After the rows: the keys (one table at a time per connection: adding a key locks its table), the
 * indexes and the extra tasks (recounts) on the pool, then the foreign keys; definitions compared with
 * the ones dropped.
 */
export async function rebuildAfterLoad(
  clients: pg.Client[],
  tables: string[],
  dropped: { constraints: Constraint[]; indexes: { name: string; def: string }[] },
  extra: Task[] = [],
): Promise<void> {
  const keys = dropped.constraints.filter((c) => c.type !== "f");
  const byTable = new Map<string, Constraint[]>();
  for (const k of keys) byTable.set(k.table, [...(byTable.get(k.table) ?? []), k]);
  // one task per table (its keys in a row), so two connections never lock the same table at once
  await runPool(clients, [...byTable.entries()].map(([table, list]) => ({
    label: `keys of ${table}`,
    sql: list.map((k) => `alter table ${k.table} add constraint ${k.name} ${k.def};`).join("\n"),
  })));
  await runPool(clients, [
    ...longestFirst(dropped.indexes).map((ix) => ({ label: `recreate ${ix.name}`, sql: ix.def })),
    ...extra,
  ]);
  for (const c of dropped.constraints.filter((c) => c.type === "f").reverse()) {
    await timed(clients[0], `re-add ${c.name}`, `alter table ${c.table} add constraint ${c.name} ${c.def}`);
  }
  const sorted = (list: { name: string; def: string }[]) => JSON.stringify(list.map((c) => `${c.name} ${c.def}`).sort());
  if (sorted(await indexDefs(clients[0], tables)) !== sorted(dropped.indexes)) throw new Error("recreated indexes differ from the migration's");
  if (sorted(await constraintDefs(clients[0], tables)) !== sorted(dropped.constraints)) throw new Error("re-added constraints differ from the migration's");
}

/**
 * Switches off, for the load, the named insert triggers whose work the loader replaces (those that
 * exist; every other trigger stays on), and returns a function that switches them on again.
 */
export async function triggersOff(client: pg.Client, table: string, names: string[]): Promise<{ off: string[]; on(): Promise<void> }> {
  const { rows } = await client.query<{ name: string }>(
    "select tgname as name from pg_trigger where tgrelid = $1::regclass and not tgisinternal and tgname = any($2) and tgenabled <> 'D'",
    [table, names],
  );
  const off = rows.map((r) => r.name);
  for (const name of off) await client.query(`alter table ${table} disable trigger ${name}`);
  return { off, on: async () => { for (const name of off) await client.query(`alter table ${table} enable trigger ${name}`); } };
}
