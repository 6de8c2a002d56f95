import type pg from "pg";
import type { Task } from "./bulk";
import { progress } from "./common";

// Scores for `npm run bench:search`'s dashboard scores (docs/performance.md, "Dashboard scores"): a
// visitor's `helpful` on one trace in five, an operator's numeric `bench-quality` on one in ten and a
// categorical `bench-tone` on one in twenty, inserted as the app writes them (every trigger on).

// Only the newest maxTraces traces (default 1,000,000: all of them up to 1,000,000 traces) get scores:
// at 10,000,000 traces the scores are those of the 1,000,000-trace run, on the newest traces, as the
// messages are (docs/performance.md, "10 million traces"). bench:search's load inserts them inside the
// bulk load (scripts/bench/seed-traces.ts), after the traces' primary key and before their other indexes,
// with every trigger on.

/** The bench's score configs; false when the schema has no scores. */
export async function scoreConfigs(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query("select to_regclass('public.scores') is not null as present");
  if (!rows[0].present) return false;
  await client.query(
    `insert into public.score_configs (name, data_type, min_value, max_value, categories)
     values ('bench-quality', 'numeric', 0, 5, null), ('bench-tone', 'categorical', null, null, array['calm', 'neutral', 'rude'])
     on conflict do nothing`,
  );
  return true;
}

/** The three inserts, on the traces created at or after `edge`. */
export function scoreTasks(edge: string): Task[] {
  const insert = (name: string, every: number, source: string, value: string, label: string): Task => ({
    label: `scores: ${name}`,
    sql: `insert into public.scores (trace_id, config_id, value, string_value, source, author)
          select t.id, c.id, ${value}, ${label}, '${source}', case '${source}' when 'visitor' then t.user_id else 'op-' || (abs(hashtext(t.id::text)) % 5) end
            from public.llm_traces t, public.score_configs c
           where c.name = '${name}' and abs(hashtext(t.id::text || '${name}')) % ${every} = 0 and t.created_at >= $1::timestamptz
          on conflict do nothing`,
    params: [edge],
  });
  return [
    insert("helpful", 5, "visitor", "(abs(hashtext(t.id::text)) % 2)", "null"),
    insert("bench-quality", 10, "operator", "(abs(hashtext(t.id::text)) % 6)", "null"),
    insert("bench-tone", 20, "operator", "(abs(hashtext(t.id::text)) % 3)", "(array['calm', 'neutral', 'rude'])[abs(hashtext(t.id::text)) % 3 + 1]"),
  ];
}

/** The scores on their own, after a load (scripts/bench/load-only.ts's check runs before them). */
export async function seedScores(client: pg.Client, maxTraces = 1_000_000): Promise<void> {
  if (!(await scoreConfigs(client))) return;
  progress("seeding scores");
  const { rows: [edge] } = await client.query<{ edge: string | null }>(
    "select min(created_at)::text as edge from (select t.created_at from public.llm_traces t order by t.created_at desc limit $1) x",
    [maxTraces],
  );
  for (const t of scoreTasks(edge.edge ?? "-infinity")) await client.query(t.sql, t.params);
  await client.query("analyze public.scores");
}
