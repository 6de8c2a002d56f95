import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { freshPostgresUrl } from "../support/databases";
import { figure, invariantViolations, noViolations, runVerifySql, seededRandom, seededUuid, sleep, visitorCookieFor } from "./helpers";

// R7 / T1-T3 (docs/rules.md) under load: two `next start` instances on one PostgreSQL database,
// 200 requests from 20 visitors with random agent switches, 10 in flight.
// A poller checks "at most one active session per visitor" all along.

const SEED = 7;
const REQUESTS = 200;
const VISITORS = 20;
const IN_FLIGHT = 10;
const secret = "reliability-two-instances";
const agents = ["product_recommendation", "sales_pitch", "order_assistant"] as const;
const messages = ["I need a light tent", "something for cold nights", "tell me more", "what would you pitch me?", "I want to order 12 headlamps", "menu", "thanks!"];

let apps: App[] = [];
let url: string;
let db: pg.Pool;

beforeAll(async () => {
  url = await freshPostgresUrl();
  db = new pg.Pool({ connectionString: url, max: 3 });
  apps = await Promise.all([startApp({ DATABASE_URL: url, SESSION_SECRET: secret }), startApp({ DATABASE_URL: url, SESSION_SECRET: secret })]);
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await db?.end();
});

interface Planned {
  i: number;
  visitor: number;
  instance: number;
  body: Record<string, unknown>;
}

it("two instances, 200 requests, 20 visitors, random switches: one active session, one trace each, gapless tags, llm_calls = generations", async () => {
  const rand = seededRandom(SEED);
  const visitors = Array.from({ length: VISITORS }, () => seededUuid(rand));
  const lastSession = new Map<number, string>();
  const plan: Planned[] = Array.from({ length: REQUESTS }, (_, i) => {
    const visitor = Math.floor(rand() * VISITORS);
    const body: Record<string, unknown> = { message: messages[Math.floor(rand() * messages.length)] };
    if (rand() < 0.35) body.agent = agents[Math.floor(rand() * agents.length)]; // a switch when it differs
    return { i, visitor, instance: rand() < 0.5 ? 0 : 1, body };
  });
  const useSessionId = plan.map(() => rand() < 0.4);

  // the poller: one active session per visitor, and no active tracked session without its trace, at every check
  let polling = true;
  let checks = 0;
  let maxActive = 0;
  let withoutTrace = 0;
  const poller = (async () => {
    while (polling) {
      const { rows } = await db.query<{ max: number; without: number }>(`select
        coalesce((select max(n)::int from (select count(*) as n from conversation_sessions where is_active group by user_id, channel) c), 0) as max,
        (select count(*)::int from conversation_sessions s where s.is_active and s.tracking_enabled and not exists (select 1 from llm_traces t where t.session_id = s.id)) as without`);
      checks++;
      maxActive = Math.max(maxActive, rows[0].max);
      withoutTrace += rows[0].without;
      await sleep(15);
    }
  })();

  const results: { status: number; instance: number; visitor: number; sessionId?: string; replyId?: string; newSession?: boolean; ms: number; error?: string }[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < plan.length) {
      const p = plan[next++];
      const body = { ...p.body, clientMessageId: randomUUID() } as Record<string, unknown>;
      const known = lastSession.get(p.visitor);
      if (useSessionId[p.i] && known) body.sessionId = known;
      const t0 = performance.now();
      const res = await fetch(`${apps[p.instance].url}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: visitorCookieFor(visitors[p.visitor], secret) },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { sessionId?: string; newSession?: boolean; reply?: { id: string }; error?: { code: string } };
      if (json.sessionId) lastSession.set(p.visitor, json.sessionId);
      results.push({ status: res.status, instance: p.instance, visitor: p.visitor, sessionId: json.sessionId, replyId: json.reply?.id, newSession: json.newSession, ms: performance.now() - t0, error: json.error?.code });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const elapsed = performance.now() - started;
  polling = false;
  await poller;

  // every request answered, on both instances
  expect(results.filter((r) => r.status !== 200)).toEqual([]);
  expect(results).toHaveLength(REQUESTS);
  const perInstance = [0, 1].map((n) => results.filter((r) => r.instance === n).length);
  expect(Math.min(...perInstance)).toBeGreaterThan(REQUESTS / 4);
  expect(new Set(results.map((r) => r.replyId)).size).toBe(REQUESTS);

  // at most one active session per visitor at every moment checked
  expect(checks).toBeGreaterThan(20);
  expect(maxActive).toBeLessThanOrEqual(1);
  expect(withoutTrace).toBe(0);

  const ids = visitors;
  const [totals] = (
    await db.query<{ sessions: number; traces: number; tracked: number; llm_calls: number; generations: number; handoffs: number; agent_replies: number; user_messages: number; active: number; switches: number }>(
      `select (select count(*)::int from conversation_sessions where user_id = any($1)) as sessions,
              (select count(*)::int from conversation_sessions where user_id = any($1) and tracking_enabled) as tracked,
              (select count(*)::int from llm_traces where user_id = any($1)) as traces,
              (select coalesce(sum(llm_calls), 0)::int from llm_traces where user_id = any($1)) as llm_calls,
              (select count(*)::int from llm_observations where user_id = any($1) and kind = 'generation') as generations,
              (select count(*)::int from conversation_messages where user_id = any($1) and role = 'agent') as agent_replies,
              (select count(*)::int from conversation_messages where user_id = any($1) and role = 'user' and not metadata ? 'handoff_from') as user_messages,
              (select count(*)::int from conversation_messages where user_id = any($1) and role = 'agent' and metadata ? 'handoff') as handoffs,
              (select count(*)::int from conversation_sessions where user_id = any($1) and is_active) as active,
              (select count(*)::int from session_events where user_id = any($1) and event = 'switched') as switches`,
      [ids],
    )
  ).rows;
  // one trace per tracked session
  expect(totals.traces).toBe(totals.tracked);
  expect(totals.tracked).toBe(totals.sessions);
  // llm_calls == the generations recorded; one agent reply per answered request; every question stored once
  expect(totals.llm_calls).toBe(totals.generations);
  expect(totals.llm_calls).toBeGreaterThanOrEqual(totals.agent_replies);
  // a handoff ("I want to order 12 headlamps" to another agent) answers twice: the note, then the new agent
  expect(totals.agent_replies).toBe(REQUESTS + totals.handoffs);
  expect(totals.user_messages).toBe(REQUESTS);
  expect(totals.active).toBeLessThanOrEqual(VISITORS);
  expect(totals.switches).toBeGreaterThan(0);

  // tags per (user, model): 001..n, no duplicates, no gaps; the trace carries the session's tag
  const tags = (
    await db.query<{ user_id: string; model_id: string; tags: string[]; trace_tags: string[] }>(
      `select s.user_id, s.model_id, array_agg(s.session_tag order by s.started_at, s.session_tag) as tags,
              array_agg(t.session_tag order by s.started_at, s.session_tag) as trace_tags
         from conversation_sessions s left join llm_traces t on t.session_id = s.id
        where s.user_id = any($1) group by 1, 2`,
      [ids],
    )
  ).rows;
  let gaps = 0;
  let duplicates = 0;
  for (const row of tags) {
    const numbers = row.tags.map((t) => Number(t.split("_").at(-1))).sort((a, b) => a - b);
    duplicates += numbers.length - new Set(numbers).size;
    numbers.forEach((n, k) => (gaps += n === k + 1 ? 0 : 1));
    expect(row.tags.every((t) => /^chat_model_[0-9a-f]{6}_\d{3,}$/.test(t))).toBe(true);
    expect([...row.trace_tags].sort()).toEqual([...row.tags].sort());
  }
  expect(duplicates).toBe(0);
  expect(gaps).toBe(0);
  expect(tags.reduce((n, r) => n + r.tags.length, 0)).toBe(totals.sessions);

  expect(await invariantViolations(db)).toEqual(noViolations);
  const verify = runVerifySql(url);
  expect(verify.filter((r) => !r.ok)).toEqual([]);

  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  figure(
    `two instances: ${REQUESTS} requests (${perInstance.join("+")}) from ${VISITORS} visitors, ${IN_FLIGHT} in flight, seed ${SEED}, ${(elapsed / 1000).toFixed(1)} s ` +
      `(p50 ${Math.round(ms[Math.floor(ms.length / 2)])} ms, p95 ${Math.round(ms[Math.floor(ms.length * 0.95)])} ms) → ${totals.sessions} sessions, ${totals.traces} traces, ` +
      `${totals.switches} agent switches, sum(llm_calls) ${totals.llm_calls} = generations ${totals.generations} for ${totals.agent_replies} agent replies; ` +
      `${checks} active-session checks, max active per visitor ${maxActive}; tag duplicates ${duplicates}, gaps ${gaps}; verify.sql ${verify.length}/${verify.length} ok`,
  );
}, 120_000);
