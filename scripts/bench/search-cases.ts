import type pg from "pg";
import { namedCall, type RpcArgs } from "../../lib/db/types";
import { benchAgents, benchModels } from "./seed-traces";

// The queries `npm run bench:search` times: what the trace explorer and the
// dashboard send, called exactly as the app's Postgres backend calls them
// (namedCall: `select public.fn(p_x => $1, …) as result`). Parameters are
// drawn from the loaded data, a different one for each repetition.

export interface Case {
  name: string;
  /** p99 goal in ms, where the issue sets one */
  goal?: number;
  fn: string;
  repeat: number;
  args(i: number): RpcArgs;
}

export interface Samples {
  tags: { tag: string; user: string; hex: string; counter: string }[];
  users: string[];
  cursors: { value: string; id: string }[];
  agentCursors: { agent: string; value: string; id: string }[];
  newest: Date;
}

export async function sample(client: pg.Client, n: number): Promise<Samples> {
  // uniform over traces, so heavy visitors and common tags weigh as in the data
  const { rows } = await client.query(
    `select t.session_tag, t.user_id, t.agent_type, t.created_at::text as created, t.id
       from public.llm_traces t tablesample bernoulli (1) repeatable (42) order by random() limit $1`,
    [n],
  );
  const { rows: newest } = await client.query("select max(created_at) as newest from public.llm_traces");
  return {
    tags: rows.map((r) => {
      const [, hex, counter] = /^chat_model_([0-9a-f]{6})_(\d+)$/.exec(r.session_tag)!;
      return { tag: r.session_tag, user: r.user_id, hex, counter };
    }),
    users: rows.map((r) => r.user_id),
    cursors: rows.map((r) => ({ value: r.created, id: r.id })),
    agentCursors: rows.map((r) => ({ agent: r.agent_type, value: r.created, id: r.id })),
    newest: newest[0].newest,
  };
}

export function cases(s: Samples, repeat: number, hasDashboard: boolean): Case[] {
  const pick = <T>(list: T[], i: number) => list[i % list.length];
  const day = 86_400_000;
  const search = (name: string, args: (i: number) => RpcArgs, goal?: number): Case => ({ name, goal, fn: "search_traces", repeat, args });
  const list: Case[] = [
    search("exact session tag", (i) => ({ p_session_tag: pick(s.tags, i).tag }), 5),
    search("exact tag + visitor", (i) => ({ p_session_tag: pick(s.tags, i).tag, p_user_id: pick(s.tags, i).user }), 5),
    search("substring 'hex_NNN' (tag minus prefix)", (i) => ({ p_q: `${pick(s.tags, i).hex}_${pick(s.tags, i).counter}` }), 50),
    search("substring '_NNN' (counter, any model)", (i) => ({ p_q: `_${pick(s.tags, i).counter}` }), 50),
    search("substring 'hex' (a whole model, broad)", (i) => ({ p_q: pick(s.tags, i).hex }), 50),
    search("substring, short ('_0', '99', … : hundreds of tags)", (i) => ({ p_q: pick(["_0", "_1", "1_", "99", "_00", "10", "c_1", "5"], i) }), 50),
    search("substring, no tag has it ('zx123456': an order code read as a tag)", (i) => ({ p_q: `zx${String((i * 7919) % 1_000_000).padStart(6, "0")}` }), 50),
    search("first page, unfiltered", () => ({})),
    search("first page, agent", (i) => ({ p_agent: pick(benchAgents, i) }), 20),
    search("first page, model", (i) => ({ p_model: pick(benchModels, i).key }), 20),
    search("first page, visitor", (i) => ({ p_user_id: pick(s.users, i) }), 20),
    search("first page, feedback", (i) => ({ p_feedback: pick(["positive", "negative"], i) }), 20),
    search("first page, last 24 h", () => ({ p_from: new Date(s.newest.getTime() - day).toISOString() }), 20),
    search("first page, a 7-day window", (i) => {
      const to = s.newest.getTime() - ((i * 7919) % 170) * day;
      return { p_from: new Date(to - 7 * day).toISOString(), p_to: new Date(to).toISOString() };
    }, 20),
    search("first page, agent + model + feedback", (i) => ({ p_agent: pick(benchAgents, i), p_model: pick(benchModels, i + 1).key, p_feedback: "negative" }), 20),
    search("deep page via cursor, unfiltered", (i) => ({ p_after_value: pick(s.cursors, i).value, p_after_id: pick(s.cursors, i).id })),
    // content search (docs/performance.md, "Content search"): goal first page p99 ≤ 100 ms
    search("content: a common word ('refund', ~1 message in 10)", () => ({ p_q: "refund" }), 100),
    search("content: a word of the vocabulary", (i) => ({ p_q: pick(["tent", "stove", "warranty", "voucher", "lantern", "parcel"], i) }), 100),
    // quoted: a bare `zx123456` reads as a tag (letters and digits), so the explorer searches the tags for it (the case below)
    search("content: a rare order code (most absent)", (i) => ({ p_q: `"zx${String((i * 7919) % 1_000_000).padStart(6, "0")}"` }), 100),
    search("content: a phrase", (i) => ({ p_q: pick(['"refund tent"', '"broken stove"', '"late delivery"'], i) }), 100),
    search("content: a fragment (trigram)", (i) => ({ p_q: pick(["lante", "waterpr", "headla", "vouch"], i) }), 100),
    search("content: words + agent", (i) => ({ p_q: "refund", p_agent: pick(benchAgents, i) }), 100),
    // a visitor's own conversations (a word, a fragment, a phrase): their traces are few, the walk reads them all
    search("content + visitor (a word, a fragment, a phrase)", (i) => ({ p_q: pick(["refund", "lante", '"broken stove"'], i), p_user_id: pick(s.users, i) }), 100),
    search("deep page via cursor, agent", (i) => {
      const c = pick(s.agentCursors, i);
      return { p_agent: c.agent, p_after_value: c.value, p_after_id: c.id };
    }),
  ];
  if (hasDashboard) {
    // Goal ≤ 100 ms p99 for every range (docs/performance.md, "Dashboard rollup"). The
    // ranges are drawn so their edges fall inside days (the partial days are read from
    // llm_traces), except "whole days", which reads the rollup only.
    const dash = (name: string, args: (i: number) => RpcArgs): Case => ({ name, goal: 100, fn: "dashboard_stats", repeat: Math.min(repeat, 50), args });
    const ago = (i: number, days: number) => new Date(s.newest.getTime() - days * day - ((i * 7919) % day)).toISOString();
    list.push(
      dash("dashboard_stats, last 24 h", (i) => ({ p_from: ago(i, 1) })),
      dash("dashboard_stats, last 7 days", (i) => ({ p_from: ago(i, 7) })),
      dash("dashboard_stats, last 30 days", (i) => ({ p_from: ago(i, 30) })),
      dash("dashboard_stats, a 30-day window, whole days", (i) => {
        const to = Math.floor(s.newest.getTime() / day) * day - ((i * 13) % 120) * day;
        return { p_from: new Date(to - 30 * day).toISOString(), p_to: new Date(to).toISOString() };
      }),
      dash("dashboard_stats, a 90-day window, partial edges", (i) => ({ p_from: ago(i, 120), p_to: ago(i, 30) })),
      dash("dashboard_stats, all time", () => ({})),
      dash("dashboard_stats, all time, two experiments named", () => ({ p_experiment_a: benchModels[1].experiment!, p_experiment_b: benchModels[2].experiment! })),
      // the scores card (docs/performance.md, "Dashboard scores"): whole days from its rollup, partial edge days from the scores
      { ...dash("dashboard_scores, last 24 h", (i) => ({ p_from: ago(i, 1) })), fn: "dashboard_scores" },
      { ...dash("dashboard_scores, last 7 days", (i) => ({ p_from: ago(i, 7) })), fn: "dashboard_scores" },
      { ...dash("dashboard_scores, last 30 days", (i) => ({ p_from: ago(i, 30) })), fn: "dashboard_scores" },
      { ...dash("dashboard_scores, a 90-day window, partial edges", (i) => ({ p_from: ago(i, 120), p_to: ago(i, 30) })), fn: "dashboard_scores" },
      { ...dash("dashboard_scores, all time", () => ({})), fn: "dashboard_scores" },
    );
  }
  return list;
}

export interface Timing {
  ms: number;
  args: RpcArgs;
}

/** Runs a case `repeat` times (after one unmeasured call), one call at a time. */
export async function time(client: pg.Client, c: Case): Promise<Timing[]> {
  const run = async (i: number) => {
    const args = c.args(i);
    const { sql, params } = namedCall(c.fn, args);
    const started = performance.now();
    await client.query(sql, params);
    return { ms: performance.now() - started, args };
  };
  await run(c.repeat);
  const out: Timing[] = [];
  for (let i = 0; i < c.repeat; i++) out.push(await run(i));
  return out;
}
