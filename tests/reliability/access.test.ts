import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { type ChatReply, cookieOf, operatorLogin, Visitor } from "../support/client";
import { freshPostgresUrl } from "../support/databases";
import { appTables, figure, tableCounts, visitorCookieFor } from "./helpers";

// Access control: through HTTP (visitors vs. visitors, visitors vs. operator
// routes) and in the database itself (RLS and grants for Supabase's `anon` and
// `authenticated` roles, functions as security invoker with a fixed search_path).

let app: App;
let url: string;
let db: pg.Pool;
const secret = "reliability-access";
const token = "reliability-access-admin-token-of-32-chars";
const A = "aaaaaaaa-0000-4000-8000-00000000000a";
const B = "bbbbbbbb-0000-4000-8000-00000000000b";

let victim: Visitor;
let victimChat: ChatReply;
let attacker: Visitor;

beforeAll(async () => {
  url = await freshPostgresUrl();
  db = new pg.Pool({ connectionString: url, max: 3 });
  app = await startApp({ DATABASE_URL: url, SESSION_SECRET: secret, ADMIN_TOKEN: token });
  victim = new Visitor(app.url);
  victim.cookie = visitorCookieFor(A, secret);
  attacker = new Visitor(app.url);
  attacker.cookie = visitorCookieFor(B, secret);
  // A: an order flow (flow state) and a switch; B: one session
  victimChat = await victim.chat({ message: "I want to order 25 headlamps", agent: "order_assistant" });
  await victim.chat({ message: "I'm Ana Lopez, ana@example.com", sessionId: victimChat.sessionId });
  await attacker.chat({ message: "I need a light tent" });
  await attacker.chat({ message: "pitch me", agent: "sales_pitch" });
});
afterAll(async () => {
  await app?.stop();
  await db?.end();
});

describe("HTTP: a visitor never reaches another visitor's session", () => {
  it("read, end, rate, continue someone else's session → 404 not_found:session, nothing changes", async () => {
    const before = await tableCounts(db);
    const [traceBefore] = (await db.query("select feedback, llm_calls, updated_at from llm_traces where session_id = $1", [victimChat.sessionId])).rows;
    const id = victimChat.sessionId;
    const tampered = visitorCookieFor(A, secret).replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    const forged = visitorCookieFor(A, "not-the-secret");
    const outsiders: [string, Record<string, string>][] = [
      ["another visitor", { cookie: attacker.cookie }],
      ["no cookie", {}],
      ["the victim's id with a tampered signature", { cookie: tampered }],
      ["the victim's id signed with another secret", { cookie: forged }],
      ["the victim's bare id as cookie", { cookie: `tl_visitor=${A}` }],
      ["the victim's id with a well-formed fake signature", { cookie: `tl_visitor=${A}.${"A".repeat(43)}` }],
    ];
    let attempts = 0;
    for (const [who, headers] of outsiders) {
      const calls: [string, RequestInit][] = [
        [`/api/sessions/${id}/messages`, { headers }],
        [`/api/sessions/${id}/end`, { method: "POST", headers }],
        [`/api/sessions/${id}/feedback`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ rating: "negative", comment: "hacked" }) }],
        ["/api/chat", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ message: "hijack", sessionId: id }) }],
        ["/api/chat", { method: "POST", headers: { ...headers, "content-type": "application/json", accept: "text/event-stream" }, body: JSON.stringify({ message: "hijack", sessionId: id }) }],
      ];
      for (const [path, init] of calls) {
        const res = await fetch(app.url + path, init);
        const body = await res.json();
        expect({ who, path, status: res.status, body }).toEqual({ who, path, status: 404, body: { error: { code: "not_found:session", message: expect.any(String) } } });
        attempts++;
      }
    }
    // the victim's session is untouched
    expect(await tableCounts(db)).toEqual(before);
    const [traceAfter] = (await db.query("select feedback, llm_calls, updated_at from llm_traces where session_id = $1", [id])).rows;
    expect(traceAfter).toEqual(traceBefore);
    const mine = await victim.request(`/api/sessions/${id}/messages`);
    expect(mine.status).toBe(200);
    expect((await mine.json()).isActive).toBe(true);
    figure(`access (HTTP): ${attempts} attempts on another visitor's session (read, end, rate, continue; 6 kinds of outsider) → ${attempts}/${attempts} 404 not_found:session, 0 rows changed`);
  });

  it("visitor cookies never reach operator routes; the operator login does", async () => {
    const [trace] = (await db.query("select id from llm_traces where session_id = $1", [victimChat.sessionId])).rows;
    const routes: [string, RequestInit][] = [
      ["/api/traces", {}],
      ["/api/traces?userId=" + A, {}],
      [`/api/traces/${trace.id}`, {}],
      ["/api/traces/export", {}],
      ["/api/dashboard", {}],
      [`/api/traces/${trace.id}/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ rating: "negative" }) }],
    ];
    const visitorValue = victim.cookie.slice("tl_visitor=".length);
    const credentials: [string, Record<string, string>][] = [
      ["visitor cookie", { cookie: victim.cookie }],
      ["visitor cookie value as operator cookie", { cookie: `tl_operator=${visitorValue}` }],
      ["visitor cookie value as bearer token", { authorization: `Bearer ${visitorValue}` }],
      ["session secret as bearer token", { authorization: `Bearer ${secret}` }],
      ["token without Bearer", { authorization: token }],
      ["Basic auth with the token", { authorization: `Basic ${Buffer.from(`admin:${token}`).toString("base64")}` }],
      ["empty bearer", { authorization: "Bearer " }],
      ["token prefix", { authorization: `Bearer ${token.slice(0, -1)}` }],
    ];
    let denied = 0;
    for (const [what, auth] of credentials) {
      for (const [path, init] of routes) {
        const res = await fetch(app.url + path, { ...init, headers: { ...(init.headers as Record<string, string>), ...auth } });
        expect({ what, path, status: res.status, code: (await res.json()).error?.code }).toEqual({ what, path, status: 401, code: "unauthorized:operator" });
        denied++;
      }
    }
    const [{ feedback }] = (await db.query("select feedback from llm_traces where id = $1", [trace.id])).rows;
    expect(feedback).toBe("pending");

    // control: the operator gets in with the token and with the login cookie
    expect((await fetch(`${app.url}/api/traces`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const login = await operatorLogin(app.url, token);
    expect(login.status).toBe(200);
    const operatorCookie = cookieOf(login);
    expect(login.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    expect((await fetch(`${app.url}/api/dashboard`, { headers: { cookie: operatorCookie } })).status).toBe(200);
    // the operator cookie is not a visitor: it cannot read the visitor's session
    const asVisitor = await fetch(`${app.url}/api/sessions/${victimChat.sessionId}/messages`, { headers: { cookie: operatorCookie } });
    expect(asVisitor.status).toBe(404);
    figure(`access (HTTP): ${denied}/${credentials.length * routes.length} visitor-credential requests to ${routes.length} operator routes → 401 unauthorized:operator; bearer token and login cookie → 200`);
  });
});

describe("database: RLS and grants for anon and authenticated", () => {
  // one connection, roles switched per query like PostgREST does
  async function as<T>(role: "anon" | "authenticated" | "service_role", sub: string | null, run: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await db.connect();
    try {
      await c.query("begin");
      await c.query(`set local role ${role}`);
      await c.query("select set_config('request.jwt.claim.sub', $1, true)", [sub ?? ""]);
      return await run(c);
    } finally {
      await c.query("rollback").catch(() => {});
      c.release();
    }
  }
  const count = (c: pg.PoolClient, table: string) => c.query(`select count(*)::int as n from public.${table}`).then((r) => r.rows[0].n as number);
  const counts = async (c: pg.PoolClient, tables: readonly string[]) => {
    const out: Record<string, number> = {};
    for (const t of tables) out[t] = await count(c, t);
    return out;
  };
  const denied = async (c: pg.PoolClient, sql: string, params: unknown[] = []) => {
    await c.query("savepoint s");
    try {
      await c.query(sql, params);
      return false;
    } catch (e) {
      expect((e as { code?: string }).code).toBe("42501"); // insufficient_privilege
      return true;
    } finally {
      await c.query("rollback to savepoint s");
    }
  };
  const owned = ["conversation_sessions", "conversation_messages", "llm_traces", "session_events"] as const;

  it("RLS is enabled on every public table; only the catalog is granted to anon by a policy", async () => {
    const tables = (await db.query<{ relname: string; rls: boolean }>(
      "select c.relname, c.relrowsecurity as rls from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1",
    )).rows;
    expect(tables.map((t) => t.relname).sort()).toEqual([...appTables].sort());
    expect(tables.filter((t) => !t.rls)).toEqual([]);
    const anonPolicies = (await db.query<{ tablename: string }>("select tablename from pg_policies where schemaname = 'public' and 'anon' = any(roles)")).rows;
    expect(anonPolicies.map((p) => p.tablename)).toEqual(["products"]);
    const publicPolicies = (await db.query("select tablename, policyname from pg_policies where schemaname = 'public' and 'public' = any(roles)")).rows;
    expect(publicPolicies).toEqual([]);
    const writePolicies = (await db.query("select tablename, policyname, cmd from pg_policies where schemaname = 'public' and cmd <> 'SELECT'")).rows;
    expect(writePolicies).toEqual([]);
  });

  it("authenticated sees only its own sessions, messages, traces, events and flow state", async () => {
    const truth = (await db.query<{ user_id: string; sessions: number; messages: number; traces: number; events: number; flows: number }>(
      `select u.user_id,
              (select count(*)::int from conversation_sessions s where s.user_id = u.user_id) as sessions,
              (select count(*)::int from conversation_messages m where m.user_id = u.user_id) as messages,
              (select count(*)::int from llm_traces t where t.user_id = u.user_id) as traces,
              (select count(*)::int from session_events e where e.user_id = u.user_id) as events,
              (select count(*)::int from flow_states f join conversation_sessions s on s.id = f.session_id where s.user_id = u.user_id) as flows
         from (values ($1), ($2)) u(user_id)`, [A, B])).rows;
    for (const me of truth) {
      expect(me.sessions).toBeGreaterThan(0);
      const seen = await as("authenticated", me.user_id, async (c) => ({
        user_id: me.user_id,
        sessions: await count(c, "conversation_sessions"),
        messages: await count(c, "conversation_messages"),
        traces: await count(c, "llm_traces"),
        events: await count(c, "session_events"),
        flows: await count(c, "flow_states"),
        foreign: (await c.query("select count(*)::int as n from public.conversation_sessions where user_id <> $1", [me.user_id])).rows[0].n,
        foreignMessages: (await c.query("select count(*)::int as n from public.conversation_messages where user_id <> $1", [me.user_id])).rows[0].n,
      }));
      expect(seen).toEqual({ ...me, foreign: 0, foreignMessages: 0 });
    }
    expect(truth.find((t) => t.user_id === A)!.flows).toBeGreaterThan(0);
    // a signed-in user with no data, and a token without a subject, see nothing
    for (const sub of [randomUUID(), null]) {
      const seen = await as("authenticated", sub, (c) => counts(c, [...owned, "flow_states"]));
      expect(Object.values(seen)).toEqual([0, 0, 0, 0, 0]);
    }
    // the control: service_role (bypassrls) sees everything
    const all = await as("service_role", null, (c) => count(c, "conversation_sessions"));
    expect(all).toBe(truth.reduce((n, t) => n + t.sessions, 0));
  });

  it("anon sees nothing but the catalog, even with a subject claim", async () => {
    for (const sub of [A, null]) {
      const seen = await as("anon", sub, (c) => counts(c, [...owned, "flow_states", "llm_models", "products"]));
      expect(seen).toMatchObject({ conversation_sessions: 0, conversation_messages: 0, llm_traces: 0, session_events: 0, flow_states: 0, llm_models: 0 });
      expect(seen.products).toBeGreaterThan(0);
    }
  });

  it("neither role can read secrets and counters, write any table, or execute the app's functions", async () => {
    let refusals = 0;
    for (const role of ["anon", "authenticated"] as const) {
      await as(role, A, async (c) => {
        for (const t of ["app_settings", "rate_limit_buckets", "session_tag_counters", "operator_sessions", "privacy_settings", "otlp_outbox", "erasures", "agents", "agent_tools", "agent_versions", "whatsapp_inbox", "whatsapp_outbox", "voice_messages"]) {
          expect(await denied(c, `select * from public.${t}`)).toBe(true);
          refusals++;
        }
        const writes = [
          `insert into public.conversation_sessions (user_id, agent_type, model_id, session_tag) select '${A}', 'sales_pitch', id, 'x' from public.llm_models limit 1`,
          `update public.llm_traces set feedback = 'negative'`,
          `update public.conversation_sessions set is_active = false, ended_at = now(), duration_seconds = 0`,
          `delete from public.conversation_messages`,
          `insert into public.products (sku, name, category, description, price_cents, pickup_location) values ('X', 'x', 'x', 'x', 1, 'x')`,
          `truncate public.llm_traces`,
        ];
        for (const sql of writes) {
          expect(await denied(c, sql)).toBe(true);
          refusals++;
        }
        const calls = [
          ["select public.begin_turn($1, 'hi')", [A]],
          ["select public.finish_turn($1)", [randomUUID()]],
          ["select public.ensure_setting('session_secret', 'x')", []],
          ["select public.end_session($1, $2)", [A, randomUUID()]],
          ["select public.set_feedback($1, 'negative')", [randomUUID()]],
          ["select public.search_traces()", []],
          ["select public.session_messages($1, $2)", [A, randomUUID()]],
          ["select public.app_health()", []],
        ] as const;
        for (const [sql, params] of calls) {
          expect(await denied(c, sql, [...params])).toBe(true);
          refusals++;
        }
      });
    }
    // no public function is executable by them at all
    const executable = (await db.query(
      `select p.proname, r.rolname from pg_proc p cross join (values ('anon'), ('authenticated'), ('public')) r(rolname)
        where p.pronamespace = 'public'::regnamespace
          and ((r.rolname = 'public' and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0 and a.privilege_type = 'EXECUTE'))
            or (r.rolname <> 'public' and has_function_privilege(r.rolname, p.oid, 'execute')))`,
    )).rows;
    expect(executable).toEqual([]);
    figure(`access (RLS): ${refusals} reads of secrets/counters, writes and function calls by anon/authenticated → ${refusals}/${refusals} permission denied`);
  });

  it("every public function runs as security invoker with a fixed search_path", async () => {
    const fns = (await db.query<{ proname: string; prosecdef: boolean; config: string[] | null }>(
      "select p.proname, p.prosecdef, p.proconfig as config from pg_proc p where p.pronamespace = 'public'::regnamespace order by 1",
    )).rows;
    expect(fns.length).toBeGreaterThan(10);
    const bad = fns.filter((f) => f.prosecdef || !(f.config ?? []).some((c) => /^search_path=(""|)$/.test(c)));
    expect(bad).toEqual([]);
    figure(`access (functions): ${fns.length}/${fns.length} public functions are security invoker with search_path=''`);
  });
});
