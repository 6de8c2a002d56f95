import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { Visitor } from "../support/client";
import { freshPostgresUrl } from "../support/databases";
import { startPostgrest, type PostgrestStandIn } from "../support/postgrest";

// The Supabase backend: supabase-js rpc() against a local PostgREST-RPC stand-in over real PostgreSQL.
let app: App;
let rest: PostgrestStandIn;
let url: string;
beforeAll(async () => {
  url = await freshPostgresUrl();
  rest = await startPostgrest(url);
  // no SESSION_SECRET (settled in the database once per process) and new visitors counted per address:
  // the round trips a visitor meets are counted with both on (docs/architecture.md, "A chat turn");
  // no evaluation poller here: its claims would be calls of their own between a turn's two
  app = await startApp({
    NEXT_PUBLIC_SUPABASE_URL: rest.url, SUPABASE_SERVICE_ROLE_KEY: "service-role-key", DATABASE_URL: "",
    SESSION_SECRET: "", NEW_VISITORS_PER_IP_PER_MINUTE: "1000", EVALUATION_POLL_MS: "0",
    // voice on (its speech-to-text is never reached below: only the calls before a recording is read are counted)
    STT_BASE_URL: "http://127.0.0.1:9/v1", STT_MODEL: "whisper-1",
  });
});
afterAll(async () => {
  await app?.stop();
  await rest?.close();
});

it("health reports the supabase backend to an operator", async () => {
  const created = app.logs.find((l) => l.includes('"event":"operator.token_created"') && l.includes("/login?token="));
  const token = decodeURIComponent(/\/login\?token=([^"&\s]+)/.exec(created ?? "")?.[1] ?? "");
  const body = await (await fetch(`${app.url}/api/health`, { headers: { authorization: `Bearer ${token}` } })).json();
  expect(body).toMatchObject({ ok: true, database: { backend: "supabase", up: true, migrationVersion: expect.stringMatching(/^\d{14}$/) } });
});

it("round trips as a visitor meets them: 2 for a turn without a tool call, 3 with a catalog search, 2 when the search is cached", async () => {
  const v = new Visitor(app.url);
  const calls = async (turn: () => Promise<unknown>) => {
    const before = rest.calls.length;
    await turn();
    return rest.calls.slice(before).map((c) => c.fn);
  };
  // a new visitor's first turn: begin_turn counts the new visitor, the session secret was settled at startup
  expect(await calls(() => v.chat({ message: "hello" }))).toEqual(["begin_turn", "finish_turn"]);
  // a continued turn whose search the catalog cache has not seen: one more
  expect(await calls(() => v.chat({ message: "a light trekking pole" }))).toEqual(["begin_turn", "search_catalog", "finish_turn"]);
  expect(await calls(() => v.chat({ message: "thanks!" }))).toEqual(["begin_turn", "finish_turn"]);
  expect(await calls(() => v.chat({ message: "a light trekking pole" }))).toEqual(["begin_turn", "finish_turn"]);
  // another new visitor, whose first turn searches: 3
  expect(await calls(() => new Visitor(app.url).chat({ message: "a warm fleece for the Alps" }))).toEqual(["begin_turn", "search_catalog", "finish_turn"]);
});

it("a chat turn is two rpc() calls, with the service role key (catalog reads warm)", async () => {
  const v = new Visitor(app.url);
  // the first search of a text reads the catalog (a third call); the catalog is then kept for a minute
  await v.chat({ message: "a warm down jacket" });
  const before = rest.calls.length;
  const r = await v.chat({ message: "a warm down jacket", agent: "product_recommendation" });
  expect(r.reply.content).toContain("Down Jacket");
  expect(rest.calls.slice(before).map((c) => c.fn)).toEqual(["begin_turn", "finish_turn"]);
  expect(rest.calls.every((c) => c.apikey === "service-role-key")).toBe(true);
});

it("with evaluators attached at sample rate 1, a new session's turn is still two rpc() calls and its jobs are queued by them", async () => {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(`insert into agent_evaluators (agent_key, evaluator_id, sample_rate, created_by)
                      select 'product_recommendation', e.id, 1, 'test' from evaluators e where e.name in ('helpfulness_judge', 'reply_under_chars')`);
    const v = new Visitor(app.url);
    const before = rest.calls.length;
    const r = await v.chat({ message: "a warm down jacket", agent: "product_recommendation" });
    expect(rest.calls.slice(before).map((c) => c.fn)).toEqual(["begin_turn", "finish_turn"]);
    const { rows } = await pool.query("select count(*)::int as n from evaluation_jobs j join llm_traces t on t.id = j.trace_id where t.session_id = $1", [r.sessionId]);
    expect(rows[0].n).toBe(2);
  } finally {
    await pool.query("delete from agent_evaluators");
    await pool.end();
  }
});

it("typed errors pass through PostgREST: a foreign session is 404", async () => {
  const owner = new Visitor(app.url);
  const mine = await owner.chat({ message: "hello" });
  const stranger = new Visitor(app.url);
  const res = await stranger.post("/api/chat", { message: "x", sessionId: mine.sessionId });
  expect(res.status).toBe(404);
  expect((await res.json()).error.code).toBe("not_found:session");
  const history = await owner.request(`/api/sessions/${mine.sessionId}/messages`);
  expect((await history.json()).messages).toHaveLength(2);
});

// last: the erasure below wakes a poller whose calls would land in a later test
it("a new visitor is counted in the call the route makes anyway: voice_allowance for a voice message, the retried begin_turn for a retired cookie", async () => {
  const calls = async (turn: () => Promise<unknown>) => {
    const before = rest.calls.length;
    await turn();
    return rest.calls.slice(before).map((c) => c.fn);
  };
  // a new visitor's voice message: its limits (the new visitor's among them) in one call before the upload is read
  const form = new FormData();
  form.set("audio", new Blob([], { type: "audio/webm" }), "voice.webm");
  const empty = async () => expect((await new Visitor(app.url).request("/api/chat/voice", { method: "POST", body: form })).status).toBe(400);
  expect(await calls(empty)).toEqual(["voice_allowance"]);
  // a copy of a cookie whose history was deleted: the retried begin_turn counts the new visitor it becomes
  const v = new Visitor(app.url);
  await v.chat({ message: "hello" });
  const copy = new Visitor(app.url);
  const old = (copy.cookie = v.cookie);
  expect((await v.request("/api/visitor", { method: "DELETE" })).status).toBe(200);
  // (the erasure wakes the audio deletions poller: its queue_* claims are its own, not the turn's)
  const turn = (await calls(() => copy.chat({ message: "hello" }))).filter((fn) => !fn.startsWith("queue_"));
  expect(turn).toEqual(["begin_turn", "begin_turn", "finish_turn"]);
  expect(copy.cookie).not.toBe(old);
});
