// npx tsx scripts/bench/visitor-gaps-ab.ts — what keeping dashboard_visitor_gaps costs a write
// (docs/performance.md, "Distinct visitors over any range"): on one throwaway PostgreSQL, visitors with
// BENCH_HISTORY days of traffic each (default 90, every other day), then single-row writes of a visitor
// day timed inside PostgreSQL (one statement each, as a visitor's first trace of the day makes one),
// with the gap triggers enabled and disabled, alternated AB AB AB so a loaded machine's drift hits both
// alike: a visitor's first day today, a backfilled day between two others, a deleted day. Also times
// the bulk insert of the history (one statement) and the rebuild.
import { fmt, loadavg, progress } from "./common";
import { runBenchmark, startDatabaseClient, type Stops } from "./stack";

const visitors = Number(process.env.BENCH_VISITORS ?? 2000);
const history = Number(process.env.BENCH_HISTORY ?? 90);
const perLeg = Number(process.env.BENCH_REPEAT ?? 300);

const toggle = (on: boolean) => ["insert", "delete"]
  .map((t) => `alter table public.dashboard_visitor_days ${on ? "enable" : "disable"} trigger dashboard_visitor_days_gaps_${t}`).join(";");

/** ms per single-row statement over `n` visitors starting at `first`: today's day, a backfilled day, a deleted day. */
const timed = (first: number, n: number) => `
  do $$
  declare t0 timestamptz; a float8; b float8; c float8;
  begin
    t0 := clock_timestamp();
    for i in ${first}..${first + n - 1} loop
      insert into public.dashboard_visitor_days (day, user_id, experiment_name, traces) values (current_date, 'v' || i, 'exp-a', 1);
    end loop;
    a := extract(epoch from clock_timestamp() - t0) * 1000 / ${n};
    t0 := clock_timestamp();
    for i in ${first}..${first + n - 1} loop
      insert into public.dashboard_visitor_days (day, user_id, experiment_name, traces) values (current_date - 41, 'v' || i, 'exp-a', 1);
    end loop;
    b := extract(epoch from clock_timestamp() - t0) * 1000 / ${n};
    t0 := clock_timestamp();
    for i in ${first}..${first + n - 1} loop
      delete from public.dashboard_visitor_days where day = current_date - 20 and user_id = 'v' || i and experiment_name = 'exp-a';
    end loop;
    c := extract(epoch from clock_timestamp() - t0) * 1000 / ${n};
    raise notice '%', json_build_object('today', a, 'backfill', b, 'delete', c);
  end $$`;

async function main(stops: Stops) {
  const { client } = await startDatabaseClient(stops, "bench-gaps");
  const notices: string[] = [];
  client.on("notice", (n) => notices.push(String(n.message)));
  progress(`history: ${visitors} visitors × ${history / 2} days`);
  let t0 = performance.now();
  await client.query(`insert into public.dashboard_visitor_days (day, user_id, experiment_name, traces)
    select current_date - 2 * d, 'v' || v, case when v % 3 = 0 then null else 'exp-a' end, 1
      from generate_series(1, ${visitors}) v cross join generate_series(1, ${history / 2}) d`);
  const bulk = performance.now() - t0;
  t0 = performance.now();
  await client.query("select public.dashboard_visitor_gaps_rebuild()");
  const rebuild = performance.now() - t0;
  await client.query("analyze public.dashboard_visitor_days; analyze public.dashboard_visitor_gaps");
  const [{ rows: gaps }] = [await client.query("select count(*)::int as n from public.dashboard_visitor_gaps")];
  const { rows: [mb] } = await client.query(`select (pg_total_relation_size('public.dashboard_visitor_gaps') / 1048576.0)::float8 as gaps,
    (pg_relation_size('public.dashboard_visitor_days_visitor') / 1048576.0)::float8 as idx, (pg_total_relation_size('public.dashboard_visitor_days') / 1048576.0)::float8 as days`);
  console.log(`- sizes: dashboard_visitor_gaps ${fmt(mb.gaps, 1)} MB with indexes; dashboard_visitor_days ${fmt(mb.days, 1)} MB with indexes, of which dashboard_visitor_days_visitor ${fmt(mb.idx, 1)} MB`);
  console.log(`- bulk insert of ${visitors * (history / 2)} visitor days (gaps kept by the trigger): ${fmt(bulk)} ms; rebuild: ${fmt(rebuild)} ms; ${gaps[0].n} gap rows`);
  const legs: [string, boolean][] = [["gaps kept", true], ["gaps triggers disabled", false]];
  const results = new Map<string, Record<string, number>[]>();
  let first = 1;
  for (let round = 0; round < 3; round++) {
    for (const [name, on] of legs) {
      await client.query(toggle(on));
      progress(`${name}, round ${round + 1}`);
      notices.length = 0;
      await client.query(timed(first, perLeg));
      first += perLeg;
      results.set(name, [...(results.get(name) ?? []), JSON.parse(notices[0])]);
    }
  }
  await client.query(toggle(true));
  console.log(`load average ${loadavg()}; ms per single-row statement (3 rounds):`);
  for (const [name, list] of results) {
    for (const k of ["today", "backfill", "delete"]) console.log(`- ${name}, ${k}: ${list.map((r) => fmt(r[k], 3)).join(", ")}`);
  }
}

runBenchmark(main);
