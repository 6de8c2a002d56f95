// npx tsx scripts/bench/begin-clocks.ts — what makes begin_turn dearer over HTTP than in the statements-only replay
// (docs/performance.md, "Chat turns", "The catalog search and begin_turn"). One PostgreSQL, this tree's schema and
// seed; turns run server-side by a procedure (begin_turn + finish_turn, a commit each, 256 visitors round robin), so
// only PostgreSQL is timed. Legs, alternated each round (AB BA …): the replay's arguments (user and message only) on
// sessions with one earlier exchange; the chat route's arguments (a client message id, request id, client address,
// model, default agent, limits 0) on the same kind of sessions; the route's arguments on sessions whose history
// already holds 20+ messages (as the bench's continued sessions have after a few seconds). Reported: the function
// clocks (track_functions = all), ms per turn, median over BENCH_ROUNDS (default 4) legs of BENCH_TURNS (400) turns.
// BEGIN_CLOCKS_SQL_A / _B (/ _C): SQL files (a function's old and new definitions) applied in turn before each of
// their legs, each with the route's arguments and 20+ messages of history, instead of the three legs above.
import { readFileSync } from "node:fs";
import pg from "pg";
import { migratePostgres } from "../../lib/db/postgres-migrate";
import { createDatabase, startPostgres } from "../../tests/support/postgres";
import { fmt, loadavg, progress } from "./common";

const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const turns = Number(process.env.BENCH_TURNS ?? 400);
const funcs = ["begin_turn", "turn_gate", "replayed_turn", "store_question", "open_session", "turn_json", "session_context", "session_json", "handoff_agents"];
const reply = "Here are three tents that fit a light trip: the Ridge 2 (1.4 kg), the Alpine Pass (1.1 kg) and the Trail Lite (0.9 kg). "
  + "Each packs small and sets up in minutes; the Trail Lite is the lightest, the Ridge 2 the roomiest.";

const PROCEDURE = `
create procedure public.bench_turns(p_n int, p_app boolean, p_prefix text, p_visitors int, p_reply text) language plpgsql as $$
declare r jsonb; u text;
begin
  for i in 1..p_n loop
    u := p_prefix || (i % p_visitors);
    if p_app then
      r := public.begin_turn(p_user_id => u, p_message => 'I need a light warm tent for the Alps', p_session_id => null, p_agent => null,
            p_default_agent => 'product_recommendation', p_model_key => 'offline', p_tracking => true,
            p_client_message_id => gen_random_uuid(), p_action => null, p_idle_minutes => 1440, p_rate_limit => 0,
            p_client_ip => '127.0.0.1', p_ip_rate_limit => 0, p_request_id => gen_random_uuid()::text);
    else
      r := public.begin_turn(p_user_id => u, p_message => 'I need a light warm tent for the Alps');
    end if;
    perform public.finish_turn(p_user_message_id => (r -> 'user_message' ->> 'id')::uuid, p_content => p_reply,
      p_metadata => '{"agent": "product_recommendation"}', p_input_tokens => 412, p_output_tokens => 96, p_latency_ms => 250);
    commit;
  end loop;
end $$`;

type Leg = { name: string; app: boolean; priorTurns: number; sql?: string };
const files = ["A", "B", "C"].flatMap((k) => {
  const file = process.env[`BEGIN_CLOCKS_SQL_${k}`];
  return file ? [{ k, file }] : [];
});
const legs: Leg[] = files.length >= 2 ? files.map(({ k, file }) => (
  { name: `${k} (${file}), route's arguments, 20+ messages`, app: true, priorTurns: 12, sql: readFileSync(file, "utf8") }
)) : [
  { name: "replay's arguments, 1 earlier exchange", app: false, priorTurns: 1 },
  { name: "route's arguments, 1 earlier exchange", app: true, priorTurns: 1 },
  { name: "route's arguments, 20+ messages of history", app: true, priorTurns: 12 },
];

async function main() {
  progress("starting PostgreSQL");
  const server = await startPostgres();
  try {
    const url = await createDatabase(server, "begin_clocks");
    await migratePostgres(url, { seed: true });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(PROCEDURE);
    const clocks: Record<string, Record<string, number[]>> = {};
    const load0 = loadavg();
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? legs : [...legs].reverse();
      for (const leg of order) {
        const prefix = `r${r}-${legs.indexOf(leg)}-`;
        if (leg.sql) await admin.query(leg.sql);
        const visitors = Math.max(1, Math.floor(turns / 2));
        // the sessions, each with its earlier exchanges (not timed)
        await admin.query("call public.bench_turns($1, $2, $3, $4, $5)", [visitors * leg.priorTurns, leg.app, prefix, visitors, reply]);
        const c = new pg.Client({ connectionString: url, application_name: "bench-begin-clocks" });
        await c.connect();
        await c.query("set track_functions = 'all'");
        await c.query("analyze public.conversation_messages");
        await c.query("select pg_stat_reset()");
        await c.query("call public.bench_turns($1, $2, $3, $4, $5)", [turns, leg.app, prefix, visitors, reply]);
        await c.end(); // its statistics flush when it exits
        await new Promise((resolve) => setTimeout(resolve, 1200));
        const { rows } = await admin.query<{ funcname: string; total: number }>(
          "select funcname, sum(total_time)::float8 as total from pg_stat_user_functions where funcname = any($1) group by 1", [funcs]);
        for (const row of rows) ((clocks[leg.name] ??= {})[row.funcname] ??= []).push(row.total / turns);
      }
      progress(`round ${r + 1} of ${rounds}`);
    }
    await admin.end();
    const median = (xs: number[] = []) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    console.log(`\nbegin_turn's function clocks, ms per turn (median of ${rounds} alternated legs of ${turns} turns; load ${load0} → ${loadavg()})\n`);
    console.log(`| leg | ${funcs.join(" | ")} |`);
    console.log(`|---|${funcs.map(() => "---:").join("|")}|`);
    for (const leg of legs) console.log(`| ${leg.name} | ${funcs.map((f) => fmt(median(clocks[leg.name]?.[f]), 3)).join(" | ")} |`);
  } finally {
    server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
