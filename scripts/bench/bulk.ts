import { readFileSync } from "node:fs";
import pg from "pg";
import { progress } from "./common";

// What the bench's bulk loads (seed-traces.ts, seed-messages.ts) share: a timed statement, a second
// connection, a small pool that runs independent statements (index builds, recounts) on two
// connections at once (the machine has two cores; a GIN build cannot use a parallel worker), the
// definitions of the indexes and constraints a bulk load builds after the rows, and the insert
// triggers it switches off (by name, only those whose work it replaces; any other trigger stays on).
// docs/performance.md, "10 million traces".

const backends = new WeakMap<pg.Client, number>();

/** CPU seconds its backend process has used so far (Linux /proc; NaN elsewhere): a step's own cost on a busy machine. */
async function backendCpu(client: pg.Client): Promise<number> {
  let pid = backends.get(client);
  if (pid === undefined) {
    pid = Number((await client.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0].pid);
    backends.set(client, pid);
  }
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Runs one statement and reports its wall time and its backend's CPU time (progress, stderr). */
export async function timed(client: pg.Client, label: string, sql: string, params: unknown[] = []): Promise<void> {
  const cpu0 = await backendCpu(client);
  const started = performance.now();
  await client.query(sql, params);
  const cpu = (await backendCpu(client)) - cpu0;
  progress(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s (CPU ${cpu.toFixed(1)} s)`);
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
  /** Labels of tasks that must have finished first. */
  needs?: string[];
}

/**
 * Runs the tasks on the given connections: each free connection takes the first task in the list whose
 * `needs` have finished (so the list's order is the priority: the longest first), or waits for one.
 */
export async function runPool(clients: pg.Client[], tasks: Task[]): Promise<void> {
  const queue = [...tasks];
  const done = new Set<string>();
  let wake: () => void = () => {};
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const finished = (label: string) => {
    done.add(label);
    wake();
    changed = new Promise<void>((resolve) => (wake = resolve));
  };
  await Promise.all(
    clients.map(async (c) => {
      while (queue.length) {
        const i = queue.findIndex((t) => (t.needs ?? []).every((n) => done.has(n)));
        if (i < 0) {
          await changed;
          continue;
        }
        const [t] = queue.splice(i, 1);
        await timed(c, t.label, t.sql, t.params ?? []);
        finished(t.label);
      }
    }),
  );
}

export interface Constraint {
  table: string;
  name: string;
  type: string;
  def: string;
  /** A key's index (built like any index, then attached: USING INDEX). */
  index: string | null;
}

/**
 * The keys, unique keys and foreign keys of the given tables, and the foreign keys pointing to them:
 * dropped for a load and re-added after it (adding a key or a foreign key checks every row, so nothing
 * unchecked gets in). Foreign keys first: they depend on the keys.
 */
export async function constraintDefs(client: pg.Client, tables: string[]): Promise<Constraint[]> {
  const { rows } = await client.query<Constraint>(
    `select c.conrelid::regclass::text as table, c.conname as name, c.contype::text as type, pg_get_constraintdef(c.oid) as def,
            case when c.contype in ('p', 'u') then pg_get_indexdef(c.conindid) end as index
       from pg_constraint c
      where c.contype in ('f', 'p', 'u')
        and (c.conrelid = any($1::regclass[]) or (c.contype = 'f' and c.confrelid = any($1::regclass[])))
      order by (c.contype = 'f') desc, 1, 2`,
    [tables],
  );
  return rows;
}

/** The indexes of the given tables that back no constraint. */
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

export interface Dropped {
  constraints: Constraint[];
  indexes: { name: string; def: string }[];
}

export async function dropForLoad(client: pg.Client, tables: string[]): Promise<Dropped> {
  const indexes = await indexDefs(client, tables);
  for (const ix of indexes) await client.query(`drop index ${ix.name}`);
  const constraints = await constraintDefs(client, tables);
  for (const c of constraints) await client.query(`alter table ${c.table} drop constraint ${c.name}`);
  return { constraints, indexes };
}

/** A key whose index can be built first and attached after (not deferrable, index named as the key). */
const attachable = (c: Constraint) => c.type !== "f" && c.index !== null && !/deferrable/i.test(c.def) && c.index.includes(` ${c.name} ON `);

/**
 * The index builds after a load, as pool tasks (labels `index <name>`): every dropped index and every
 * attachable key's index; GIN first (the longest, and single-threaded), then the others.
 */
export function indexTasks(dropped: Dropped, table: string, needs?: string[]): Task[] {
  const defs = [
    ...dropped.indexes.filter((ix) => ix.def.includes(` ON ${table} `)),
    ...dropped.constraints.filter((c) => attachable(c) && c.table === tableName(table)).map((c) => ({ name: c.name, def: c.index as string })),
  ];
  const weight = (d: string) => (/using gin/i.test(d) ? 0 : /using brin/i.test(d) ? 2 : 1);
  return defs.sort((a, b) => weight(a.def) - weight(b.def)).map((ix) => ({ label: `index ${ix.name}`, sql: ix.def, needs }));
}

/** "public.llm_traces" as pg_constraint's conrelid::regclass::text prints it (search_path has public). */
const tableName = (t: string) => t.replace(/^public\./, "");

/**
 * After the index builds: the keys attached to their indexes (or added), then the foreign keys (each
 * checks every row); definitions compared with the ones dropped.
 */
export async function finishAfterLoad(client: pg.Client, tables: string[], dropped: Dropped): Promise<void> {
  for (const c of dropped.constraints.filter((c) => c.type !== "f")) {
    const how = attachable(c) ? `${c.type === "p" ? "primary key" : "unique"} using index ${c.name}` : c.def;
    await timed(client, `key ${c.name}`, `alter table ${c.table} add constraint ${c.name} ${how}`);
  }
  for (const c of dropped.constraints.filter((c) => c.type === "f").reverse()) {
    await timed(client, `re-add ${c.name}`, `alter table ${c.table} add constraint ${c.name} ${c.def}`);
  }
  const sorted = (list: { name: string; def: string }[]) => JSON.stringify(list.map((c) => `${c.name} ${c.def}`).sort());
  if (sorted(await indexDefs(client, tables)) !== sorted(dropped.indexes)) throw new Error("recreated indexes differ from the migration's");
  const cons = (list: Constraint[]) => JSON.stringify(list.map((c) => `${c.table} ${c.name} ${c.def} ${c.index}`).sort());
  if (cons(await constraintDefs(client, tables)) !== cons(dropped.constraints)) throw new Error("re-added constraints differ from the migration's");
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
