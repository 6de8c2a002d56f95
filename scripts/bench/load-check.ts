import type pg from "pg";
import { progress } from "./common";

// The bulk load's check (docs/performance.md, "10 million traces"): the loader switches insert
// triggers off and recounts what they keep, so at a small size this proves that every table then holds
// exactly what the app's triggers produce. It fingerprints every table of the public and private
// schemas, empties the loaded tables (TRUNCATE … CASCADE: their truncate triggers empty the rollups),
// inserts the same rows again with every trigger on, leaving the columns a trigger fills empty so the
// trigger fills them, and fingerprints again: every table must be equal, row for row.

export interface Reloaded {
  table: string;
  /** Columns an insert trigger fills: inserted empty, so the trigger's value is compared with the loader's. */
  triggerFilled: string[];
  orderBy: string;
}

/** What the bench loads, in insert order, and the columns the insert triggers fill (scripts/bench/seed-traces.ts). */
export const reloadedTables: Reloaded[] = [
  { table: "public.conversation_sessions", triggerFilled: ["agent_version", "experiment_id"], orderBy: "started_at" },
  { table: "public.llm_traces", triggerFilled: ["agent_version", "channel", "experiment_id"], orderBy: "created_at" },
  { table: "public.conversation_messages", triggerFilled: [], orderBy: "seq" },
];

async function fingerprints(client: pg.Client): Promise<Map<string, string>> {
  const { rows: tables } = await client.query<{ name: string }>(
    `select c.oid::regclass::text as name from pg_class c
      where c.relnamespace in ('public'::regnamespace, 'private'::regnamespace) and c.relkind in ('r', 'p') order by 1`,
  );
  const out = new Map<string, string>();
  for (const { name } of tables) {
    const { rows } = await client.query<{ n: string; h: string }>(
      `select count(*)::text as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as h from ${name} t`,
    );
    out.set(name, `${rows[0].n} rows, ${rows[0].h}`);
  }
  return out;
}

/** Throws unless reloading `tables` (in this order) with every trigger on gives every table as it is. */
export async function checkAgainstTriggers(client: pg.Client, tables: Reloaded[]): Promise<string> {
  const started = performance.now();
  const before = await fingerprints(client);
  await client.query("begin");
  try {
    for (const [i, t] of tables.entries()) await client.query(`create temp table saved_${i} on commit drop as select * from ${t.table}`);
    await client.query(`truncate ${tables.map((t) => t.table).join(", ")} cascade`);
    for (const [i, t] of tables.entries()) {
      const { rows } = await client.query<{ name: string }>(
        `select attname as name from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped and attgenerated = '' order by attnum`,
        [t.table],
      );
      const cols = rows.map((r) => `"${r.name}"`);
      const values = rows.map((r) => (t.triggerFilled.includes(r.name) ? "null" : `"${r.name}"`));
      await client.query(`insert into ${t.table} (${cols.join(", ")}) overriding system value select ${values.join(", ")} from saved_${i} order by ${t.orderBy}`);
    }
    await client.query("set constraints all immediate");
    const after = await fingerprints(client);
    const differ = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
    if (differ.length) {
      throw new Error(`bulk load check: these tables differ from what the triggers produce: ${differ.map((k) => `${k} (loaded ${before.get(k)}, triggers ${after.get(k)})`).join("; ")}`);
    }
    const summary = `every table of public and private (${after.size}) equals what the triggers produce after reloading ${tables.map((t) => t.table).join(", ")} with every trigger on (${((performance.now() - started) / 1000).toFixed(1)} s)`;
    progress(`check: ${summary}`);
    return summary;
  } finally {
    await client.query("rollback"); // keep the loaded rows (and their physical order) as they were
  }
}
