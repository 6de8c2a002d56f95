import { afterAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "@/lib/db/postgres";
import type { Database } from "@/lib/db/types";
import { evaluationWorker } from "@/lib/evaluators/worker";
import { sqlSession } from "@/lib/db/sql-session";
import { expectLogs } from "../support/logs";
import { freshPostgresUrl, openPglite, type TestDatabase } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// Online evaluation (docs/architecture.md, "Evaluators"): attached evaluators grade new traces through
// the evaluation_jobs queue, exactly once per trace and evaluator across app instances (two workers,
// on PostgreSQL each on its own connection pool: two instances), a sample rate of 0 grades none, and
// a failed grade is retried.

interface Instances {
  t: TestDatabase;
  /** The second instance's database handle (PGlite is one process: the same handle). */
  other: Database;
  close(): Promise<void>;
}

async function twoPostgresInstances(): Promise<Instances> {
  const url = await freshPostgresUrl();
  const a = createPostgresDatabase(url, { max: 10 });
  const b = createPostgresDatabase(url, { max: 10 });
  return { t: { db: a, sql: sqlSession(a.pool).query, close: () => a.close() }, other: b, close: async () => { await a.close(); await b.close(); } };
}

async function onePglite(): Promise<Instances> {
  const t = await openPglite();
  return { t, other: t.db, close: () => t.close() };
}

const backends = [{ name: "pglite", open: onePglite }, { name: "postgres", open: twoPostgresInstances }] as const;

async function attach(t: TestDatabase, agent: string, evaluators: { name: string; sample_rate: number }[]) {
  return t.db.rpc("set_agent_evaluators", { p_agent: agent, p_evaluators: evaluators, p_author: "test" });
}

/** n new traces of the agent, each with one stored turn. */
async function traces(t: TestDatabase, agent: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const b = await begin(t.db, visitor(), { p_message: `hello ${i}`, p_agent: agent });
    await finish(t.db, b.user_message.id, { p_content: `Here you go, answer ${i}.` });
    ids.push(b.session.trace_id!);
  }
  return ids;
}

describe.each(backends)("online evaluation on $name", ({ open }) => {
  let x: Instances;
  afterAll(() => x?.close());

  it("sample rate 1: each new trace is graded exactly once per evaluator, by two instances at once", async () => {
    x = await open();
    const { t } = x;
    await attach(t, "sales_pitch", [{ name: "helpfulness_judge", sample_rate: 1 }, { name: "reply_under_chars", sample_rate: 1 }]);
    const ids = await traces(t, "sales_pitch", 12);
    // queued in the turn's own transaction: there as soon as finish_turn returned
    const [queued] = await t.sql<{ n: number }>("select count(*)::int as n from public.evaluation_jobs where trace_id = any($1)", [ids]);
    expect(queued.n).toBe(24);
    // a second turn on a trace queues nothing more
    const more = await begin(t.db, (await t.sql<{ user_id: string }>("select user_id from public.llm_traces where id = $1", [ids[0]]))[0].user_id, { p_message: "and?" });
    await finish(t.db, more.user_message.id, { p_content: "More." });

    const a = evaluationWorker(t.db, { batch: 3 });
    const b = evaluationWorker(x.other, { batch: 3 });
    const [ra, rb] = await Promise.all([a.run(), b.run()]);
    expect(ra.done + rb.done).toBe(24);
    expect(ra.claimed + rb.claimed).toBe(24);

    const jobs = await t.sql<{ open: number; attempts: number }>(
      "select count(*) filter (where done_at is null)::int as open, max(attempts)::int as attempts from public.evaluation_jobs where trace_id = any($1)", [ids]);
    expect(jobs[0]).toEqual({ open: 0, attempts: 1 });
    const scores = await t.sql<{ name: string; n: number; traces: number }>(
      `select c.name, count(*)::int as n, count(distinct s.trace_id)::int as traces from public.scores s join public.score_configs c on c.id = s.config_id
        where s.source = 'evaluator' and s.trace_id = any($1) group by c.name order by c.name`, [ids]);
    expect(scores).toEqual([{ name: "judge_helpfulness", n: 12, traces: 12 }, { name: "reply_under_chars", n: 12, traces: 12 }]);
    // each judge call is one step: twelve, not more (a second grade would add a second step)
    const [steps] = await t.sql<{ n: number }>("select count(*)::int as n from public.llm_observations where trace_id = any($1) and name = 'judge:helpfulness_judge'", [ids]);
    expect(steps.n).toBe(12);
    // and nothing is left for either instance
    expect((await a.run()).claimed + (await b.run()).claimed).toBe(0);
  });

  it("sample rate 0 grades none; a rate between samples the same traces every time (hash of trace and evaluator)", async () => {
    const { t } = x;
    await attach(t, "sales_pitch", [{ name: "helpfulness_judge", sample_rate: 0 }, { name: "reply_under_chars", sample_rate: 0.5 }]);
    const ids = await traces(t, "sales_pitch", 20);
    const rows = await t.sql<{ name: string; trace_id: string }>(
      "select e.name, j.trace_id from public.evaluation_jobs j join public.evaluators e on e.id = j.evaluator_id where j.trace_id = any($1)", [ids]);
    expect(rows.filter((r) => r.name === "helpfulness_judge")).toEqual([]);
    const sampled = await t.sql<{ trace_id: string }>(
      `select t.id as trace_id from public.llm_traces t, public.evaluators e
        where t.id = any($1) and e.name = 'reply_under_chars' and private.evaluation_sampled(t.id, e.id, 0.5)`, [ids]);
    expect(rows.map((r) => r.trace_id).sort()).toEqual(sampled.map((r) => r.trace_id).sort());
    expect(sampled.length).toBeGreaterThan(0);
    expect(sampled.length).toBeLessThan(20);
    await evaluationWorker(t.db).run();
  });

  it("a failing grade is retried with the backoff and then written; the queue figures show it meanwhile", async () => {
    const { t } = x;
    const logs = expectLogs();
    await t.db.rpc("create_evaluator", {
      p_name: "flaky_judge", p_kind: "judge", p_score_config: "judge_helpfulness", p_created_by: "test",
      p_prompt_template: "Grade {reply}", p_model_key: "not-configured-here",
    });
    await attach(t, "order_assistant", [{ name: "flaky_judge", sample_rate: 1 }]);
    const [id] = await traces(t, "order_assistant", 1);
    const worker = evaluationWorker(t.db, { backoff: { baseMs: 1, maxMs: 1, maxAttempts: 5 } });
    expect(await worker.run()).toMatchObject({ claimed: 1, done: 0, retrying: 1, dead: 0 });
    expect(logs.events()).toContain("warn:queue.retrying");
    const status = await t.db.rpc("queue_status");
    expect(status.evaluation_jobs).toMatchObject({ open: 1, retrying: 1, dead: 0 });
    // the model is there again: the next attempt grades it
    await t.sql("update public.evaluators set model_key = 'offline' where name = 'flaky_judge'");
    await new Promise((r) => setTimeout(r, 20));
    expect(await worker.run()).toMatchObject({ claimed: 1, done: 1 });
    const [job] = await t.sql<{ attempts: number; done: boolean; last_error: string | null }>(
      "select attempts, done_at is not null as done, last_error from public.evaluation_jobs where trace_id = $1", [id]);
    expect(job).toEqual({ attempts: 2, done: true, last_error: null });
    const [score] = await t.sql<{ n: number }>("select count(*)::int as n from public.scores where trace_id = $1 and source = 'evaluator'", [id]);
    expect(score.n).toBe(1);
    expect((await t.db.rpc("queue_status")).evaluation_jobs).toMatchObject({ open: 0, retrying: 0 });
  });

  it("a grade that cannot be made (the trace lost its reply) is a dead letter at once", async () => {
    const { t } = x;
    const logs = expectLogs();
    await attach(t, "order_assistant", [{ name: "reply_under_chars", sample_rate: 1 }]);
    const [id] = await traces(t, "order_assistant", 1);
    await t.sql("delete from public.conversation_messages m using public.llm_traces tr where tr.id = $1 and m.session_id = tr.session_id and m.role = 'agent'", [id]);
    expect(await evaluationWorker(t.db).run()).toMatchObject({ claimed: 1, dead: 1 });
    expect(logs.events()).toContain("error:queue.dead_letter");
    expect((await t.db.rpc("queue_status")).evaluation_jobs).toMatchObject({ dead: 1, last_dead: { error: "The trace has no reply to grade yet." } });
  });
});
