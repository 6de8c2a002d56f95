// npx tsx scripts/bench/score-trigger-ab.ts — what the dashboard score rollup's triggers cost a score write
// (docs/performance.md, "Dashboard scores"): PostgreSQL CPU per call of set_score (a trace's score: one
// grouped upsert) and of a visitor's vote on a reply (a message score: the statement trigger finds no
// trace), with the rollup's triggers on and off, alternated AB AB AB
// on one database so a loaded machine's drift hits both alike. BENCH_CALLS per leg (default 400).
import type pg from "pg";
import { fmt, progress } from "./common";
import { postmasterPid, treeCpuMs } from "./cpu";
import { runBenchmark, startDatabaseClient, type Stops } from "./stack";

const calls = Number(process.env.BENCH_CALLS ?? 400);
const triggers = ["scores_dashboard_insert", "scores_dashboard_update", "scores_dashboard_delete"];
const toggle = (client: pg.Client, on: boolean) =>
  client.query(triggers.map((t) => `alter table public.scores ${on ? "enable" : "disable"} trigger ${t}`).join(";"));

async function main(stops: Stops) {
  const { postgres, client } = await startDatabaseClient(stops, "bench-score-ab");
  const pgPid = postmasterPid(postgres.dir);
  const turns: { user: string; session: string; trace: string; reply: string }[] = [];
  for (let i = 0; i < 50; i++) {
    const user = `bench-score-${i}`;
    const { rows } = await client.query("select public.begin_turn(p_user_id => $1, p_message => 'hello') as r", [user]);
    const { rows: f } = await client.query("select public.finish_turn(p_user_message_id => $1, p_content => 'Hi!') as r", [rows[0].r.user_message.id]);
    turns.push({ user, session: rows[0].r.session.id, trace: rows[0].r.session.trace_id, reply: f[0].r.reply.id });
  }
  await client.query("select public.create_score_config(p_name => 'ab-num', p_data_type => 'numeric')");
  const ops: Record<string, (i: number) => Promise<unknown>> = {
    set_score: (i) => client.query("select public.set_score(p_trace_id => $1, p_name => 'ab-num', p_value => $2, p_source => 'operator', p_author => $3)",
      [turns[i % turns.length].trace, String(i % 10), `op-${i % 7}`]),
    // a visitor's vote on a reply is a message score (set_message_vote writes it so, behind a rate limit)
    message_vote: (i) => {
      const t = turns[i % turns.length];
      return client.query("select public.set_score(p_message_id => $1, p_name => 'vote', p_value => $2, p_source => 'visitor', p_author => $3)",
        [t.reply, i % 2 ? "true" : "false", t.user]);
    },
  };
  const results = new Map<string, number[]>();
  for (let round = 0; round < 3; round++) {
    for (const on of [true, false]) {
      await toggle(client, on);
      for (const [name, op] of Object.entries(ops)) {
        progress(`${name}, triggers ${on ? "on" : "off"}, round ${round + 1}`);
        const cpu0 = treeCpuMs(pgPid);
        for (let i = 0; i < calls; i++) await op(i + round * calls);
        const key = `${name}, rollup triggers ${on ? "on" : "off"}`;
        results.set(key, [...(results.get(key) ?? []), (treeCpuMs(pgPid) - cpu0) / calls]);
      }
    }
  }
  await toggle(client, true);
  for (const [name, list] of results) console.log(`- ${name}: PostgreSQL CPU ms per call ${list.map((v) => fmt(v, 3)).join(", ")}`);
}

runBenchmark(main);
