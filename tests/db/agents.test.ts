import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";
import { operatorAgents } from "@/lib/agents/names";
import { sessionHistory } from "@/lib/chat/sessions";
import { traceDetail } from "@/lib/traces/detail";
import type { Tables } from "@/lib/db/database.types";

// Agents are rows: added with one insert, versioned on edit, chosen in one place (begin_turn).

describe.each(backends)("agents and begin_turn's agent choice on $name", ({ open }) => {
  const t = databaseFor(open);

  /** One insert, as a team would type it in the SQL editor (extra columns optional). */
  const addAgent = (key: string, extra: Record<string, unknown> = {}) => {
    const columns = Object.keys(extra).map((c) => `, ${c}`).join("");
    const values = Object.keys(extra).map((_, i) => `, $${i + 2}`).join("");
    return t.sql(`insert into agents (key, name, description, instructions, greeting, tools, handoffs${columns})
                  values ($1, 'Returns Desk', 'Returns and exchanges', 'You handle returns.', 'Hi! Returns Desk here.',
                          '{search_catalog,handoff}', '{order_assistant}'${values})`, [key, ...Object.values(extra)]);
  };
  const uniqueKey = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;
  const rows = async (user: string) => {
    const [r] = await t.sql<{ sessions: number; messages: number; buckets: number }>(
      `select (select count(*)::int from conversation_sessions where user_id = $1) as sessions,
              (select count(*)::int from conversation_messages where user_id = $1) as messages,
              (select count(*)::int from rate_limit_buckets where bucket = 'chat:' || $1) as buckets`, [user]);
    return r;
  };

  it("an agent inserted with one SQL insert can be chosen; its version is pinned on the session and the trace", async () => {
    const key = uniqueKey("returns");
    await addAgent(key);
    const r = await begin(t.db, visitor(), { p_agent: key, p_message: "I want to return a tent" });
    expect(r).toMatchObject({ status: "started", choice: "explicit", new_session: true });
    expect(r.agent).toEqual({
      key, name: "Returns Desk", description: "Returns and exchanges", instructions: "You handle returns.",
      greeting: "Hi! Returns Desk here.", tools: ["search_catalog", "handoff"], handoffs: ["order_assistant"], version: 1, model_key: null,
    });
    // each handoff target comes whole (its current version), so the handoff runs it in the same turn
    expect(r.handoff_agents).toHaveLength(1);
    expect(r.handoff_agents[0]).toMatchObject({ key: "order_assistant", name: "Order Assistant", description: "Bulk orders (10+ units) with store pickup", version: 1 });
    expect(r.handoff_agents[0].tools).toContain("confirm_order");
    expect(r.handoff_agents[0].instructions).toMatch(/^You are Threadline's Order Assistant/);
    const [pinned] = await t.sql("select s.agent_version as session, t.agent_version as trace from conversation_sessions s join llm_traces t on t.session_id = s.id where s.id = $1", [r.session.id]);
    expect(pinned).toEqual({ session: 1, trace: 1 });
  });

  it("editing the instructions bumps the version: the next session runs it, the running session keeps its snapshot", async () => {
    const key = uniqueKey("returns");
    await addAgent(key);
    const ana = visitor();
    const first = await begin(t.db, ana, { p_agent: key });
    await t.sql("update agents set instructions = 'You handle returns, kindly.' where key = $1", [key]);
    await t.sql("update agents set menu_position = menu_position where key = $1", [key]); // no content change: no new version
    const versions = await t.sql<Pick<Tables<"agent_versions">, "version" | "instructions">>("select version, instructions from agent_versions where agent_key = $1 order by version", [key]);
    expect(versions).toEqual([{ version: 1, instructions: "You handle returns." }, { version: 2, instructions: "You handle returns, kindly." }]);

    const again = await begin(t.db, ana, { p_message: "still there?" });
    expect(again.session.id).toBe(first.session.id);
    expect(again.agent).toMatchObject({ version: 1, instructions: "You handle returns." });

    const bob = await begin(t.db, visitor(), { p_agent: key });
    expect(bob.agent).toMatchObject({ version: 2, instructions: "You handle returns, kindly." });
    const [trace] = await t.sql("select agent_version from llm_traces where session_id = $1", [bob.session.id]);
    expect(trace).toEqual({ agent_version: 2 });
  });

  it("an agent recreated under an old key keeps counting versions", async () => {
    const key = uniqueKey("temp");
    await addAgent(key);
    await t.sql("update agents set greeting = 'Hello again' where key = $1", [key]);
    await t.sql("delete from agents where key = $1", [key]);
    await addAgent(key);
    const [row] = await t.sql("select version from agents where key = $1", [key]);
    expect(row).toEqual({ version: 3 });
  });

  it("an agent naming an unknown tool or an unknown handoff agent is rejected", async () => {
    const key = uniqueKey("bad");
    await expect(t.sql(`insert into agents (key, name, instructions, tools) values ($1, 'Bad', 'x', '{teleport}')`, [key]))
      .rejects.toThrow(/unknown tool teleport/);
    await expect(t.sql(`insert into agents (key, name, instructions, handoffs) values ($1, 'Bad', 'x', '{nobody_here}')`, [key]))
      .rejects.toThrow(/unknown agent nobody_here/);
    expect(await t.sql("select 1 from agents where key = $1", [key])).toHaveLength(0);
    expect(await t.sql("select 1 from agent_versions where agent_key = $1", [key])).toHaveLength(0);
  });

  it("an unknown or disabled agent is 400 bad_request:agent and writes nothing", async () => {
    const disabled = uniqueKey("off");
    await addAgent(disabled, { is_enabled: false });
    const u = visitor();
    const attempts = [
      { p_agent: "no_such_agent" },
      { p_agent: disabled },
      { p_message: null, p_action: { id: "select_agent", payload: { agent: "no_such_agent" } } },
      { p_default_agent: "no_such_agent" },
    ];
    for (const args of attempts) {
      await expect(begin(t.db, u, { p_rate_limit: 100, ...args })).rejects.toMatchObject({ code: "bad_request:agent", status: 400 });
    }
    expect(await rows(u)).toEqual({ sessions: 0, messages: 0, buckets: 0 });
    // an active session is not ended by a bad choice either
    const ok = await begin(t.db, u);
    await expect(begin(t.db, u, { p_agent: disabled })).rejects.toMatchObject({ code: "bad_request:agent" });
    const [s] = await t.sql("select is_active from conversation_sessions where id = $1", [ok.session.id]);
    expect(s).toEqual({ is_active: true });
    expect((await rows(u)).messages).toBe(1);
  });

  it("choice says how the agent was chosen; a new session uses the agent's own model", async () => {
    const u = visitor();
    expect((await begin(t.db, u, { p_default_agent: "sales_pitch" })).choice).toBe("default");
    expect((await begin(t.db, u)).choice).toBe("session");
    expect((await begin(t.db, u, { p_agent: "sales_pitch" })).choice).toBe("explicit");

    await t.db.rpc("register_model", { p_key: "agent-own-model", p_name: "Agent's own", p_provider: "openai_compatible" });
    const key = uniqueKey("modelled");
    await addAgent(key, { model_key: "agent-own-model" });
    const r = await begin(t.db, u, { p_agent: key });
    expect(r.session.model.key).toBe("agent-own-model");
    expect(r.agent.model_key).toBe("agent-own-model");
  });

  it("an agent added by SQL shows by its name: the widget's history after a reload, the trace detail, the operators' agent list", async () => {
    const key = uniqueKey("gift_finder");
    await addAgent(key);
    const u = visitor();
    const r = await begin(t.db, u, { p_agent: key, p_message: "a gift for my sister" });
    await finish(t.db, r.user_message.id);
    // the widget's header after a reload comes from the history
    expect((await sessionHistory(t.db, u, r.session.id)).agent).toEqual({ key, name: "Returns Desk" });
    const traceId = r.session.trace_id!;
    expect((await traceDetail(t.db, traceId)).session.agent).toEqual({ key, name: "Returns Desk" });
    // the explorer's filter and column, the dashboard: every agent, disabled ones too, in menu order
    const hidden = uniqueKey("hidden");
    await addAgent(hidden, { is_enabled: false });
    const listed = await operatorAgents(t.db);
    const all = await t.sql<Pick<Tables<"agents">, "key" | "name" | "is_enabled">>("select key, name, is_enabled from agents order by menu_position");
    expect(listed).toEqual(all);
    expect(listed).toContainEqual({ key, name: "Returns Desk", is_enabled: true });
    expect(listed).toContainEqual({ key: hidden, name: "Returns Desk", is_enabled: false });
    // a renamed agent is shown by its new name at once
    await t.sql("update agents set name = 'Gift Finder' where key = $1", [key]);
    expect((await sessionHistory(t.db, u, r.session.id)).agent.name).toBe("Gift Finder");
  });

  it("menu: answered by begin_turn (enabled agents by menu_position, select_agent buttons), llm_calls unchanged", async () => {
    const hidden = uniqueKey("hidden");
    await addAgent(hidden, { is_enabled: false });
    const u = visitor();
    const first = await begin(t.db, u);
    await finish(t.db, first.user_message.id);
    const menu = await begin(t.db, u, { p_message: "  MENU " });
    expect(menu).toMatchObject({ status: "answered", new_session: false, choice: "session" });
    expect(menu.user_message.content).toBe("MENU");
    const enabled = (await t.sql<Pick<Tables<"agents">, "key" | "name">>("select key, name from agents where is_enabled order by menu_position"));
    expect(menu.reply?.metadata).toMatchObject({
      kind: "menu",
      menu: enabled.map((a) => a.key),
      buttons: enabled.map((a) => ({ label: a.name, action: { id: "select_agent", payload: { agent: a.key } } })),
    });
    expect(menu.reply?.metadata.menu).not.toContain(hidden);
    expect(menu.reply?.content.split("\n")[2]).toBe("2. Sales Pitch — A short pitch for a product you name");
    expect(menu.reply?.reply_to).toBe(menu.user_message.id);
    const byButton = await begin(t.db, u, { p_message: null, p_action: { id: "menu" } });
    expect(byButton.status).toBe("answered");
    expect(byButton.reply?.metadata.kind).toBe("menu");

    // a number after the menu picks that agent, who greets (no model either)
    const pick = await begin(t.db, u, { p_message: "2" });
    expect(pick).toMatchObject({ status: "answered", choice: "menu_pick", new_session: true, reason: "agent_switch" });
    expect(pick.reply).toMatchObject({ content: expect.stringContaining("Sales Pitch agent"), reply_to: pick.user_message.id });
    expect(pick.reply?.metadata.kind).toBe("greeting");
    const calls = await t.sql<Pick<Tables<"llm_traces">, "session_id" | "llm_calls">>("select session_id, llm_calls from llm_traces where user_id = $1 order by created_at", [u]);
    expect(calls.map((c) => c.llm_calls)).toEqual([1, 0]);
    expect(await t.sql("select 1 from llm_observations where user_id = $1", [u])).toHaveLength(1);
  });

  it("12.14: a body with only an agent greets: the greeting alone is stored, and a retry replays it", async () => {
    const u = visitor();
    const id = randomUUID();
    const r = await begin(t.db, u, { p_message: null, p_agent: "order_assistant", p_client_message_id: id });
    expect(r).toMatchObject({ status: "answered", choice: "explicit", new_session: true, user_message: null });
    expect(r.reply?.content).toMatch(/^Hi! I'm the Order Assistant/);
    const stored = await t.sql("select role, content from conversation_messages where user_id = $1", [u]);
    expect(stored).toEqual([{ role: "agent", content: r.reply?.content }]);
    const again = await begin(t.db, u, { p_message: null, p_agent: "order_assistant", p_client_message_id: id });
    expect(again).toMatchObject({ status: "replay", user_message: null, reply: { id: r.reply?.id } });
    // a select_agent button greets too, switching the session
    const press = await begin(t.db, u, { p_message: null, p_action: { id: "select_agent", payload: { agent: "sales_pitch" } } });
    expect(press).toMatchObject({ status: "answered", reason: "agent_switch", user_message: null });
    expect(press.reply?.metadata).toMatchObject({ kind: "greeting", agent: "sales_pitch" });
    expect(await t.sql("select 1 from conversation_messages where user_id = $1 and role = 'user'", [u])).toHaveLength(0);
    const [trace] = await t.sql("select llm_calls from llm_traces where session_id = $1", [press.session.id]);
    expect(trace).toEqual({ llm_calls: 0 });
  });

  it("12.9: a button from an ended session runs in the visitor's current session and ends nothing", async () => {
    const u = visitor();
    const a = await begin(t.db, u, { p_agent: "product_recommendation" });
    const buttons = [{ label: "Tent details", action: { id: "product_details", payload: { sku: "TRL-TENT-2" } } }];
    await finish(t.db, a.user_message.id, { p_metadata: { buttons, toolOutputs: { search_catalog: ["TRL-TENT-2"] } } });
    const b = await begin(t.db, u, { p_agent: "sales_pitch", p_message: "pitch me a tent" });
    expect(b.previous_session_id).toBe(a.session.id);

    const press = await begin(t.db, u, { p_message: null, p_session_id: a.session.id, p_action: buttons[0].action });
    expect(press).toMatchObject({ status: "started", new_session: false, choice: "session" });
    expect(press.session.id).toBe(b.session.id);
    expect(press.user_message.content).toBe("Tent details");
    expect(press.action_source).toMatchObject({ toolOutputs: { search_catalog: ["TRL-TENT-2"] } });
    const sessions = await t.sql("select id, is_active, end_reason from conversation_sessions where user_id = $1 order by started_at", [u]);
    expect(sessions).toEqual([
      { id: a.session.id, is_active: false, end_reason: "agent_switch" },
      { id: b.session.id, is_active: true, end_reason: null },
    ]);

    // with no current session, the press starts one with the ended session's agent
    await t.db.rpc("end_session", { p_user_id: u, p_session_id: b.session.id });
    const late = await begin(t.db, u, { p_message: null, p_session_id: a.session.id, p_action: buttons[0].action });
    expect(late).toMatchObject({ new_session: true, reason: "ended_previous", previous_session_id: a.session.id });
    expect(late.session.agent_type).toBe("product_recommendation");
    expect(late.action_source).toMatchObject({ buttons });
    const [b2] = await t.sql("select end_reason from conversation_sessions where id = $1", [b.session.id]);
    expect(b2).toEqual({ end_reason: "user" });
  });

  it("12.13: a resumed button press returns the action_source the first attempt saw", async () => {
    const u = visitor();
    const a = await begin(t.db, u);
    const buttons = [{ label: "Mug details", action: { id: "product_details", payload: { sku: "TRL-MUG" } } }];
    await finish(t.db, a.user_message.id, { p_metadata: { buttons, toolOutputs: { search_catalog: ["TRL-MUG"] } } });
    const id = randomUUID();
    const args = { p_message: null, p_session_id: a.session.id, p_action: buttons[0].action, p_client_message_id: id };
    const first = await begin(t.db, u, args);
    expect(first.action_source).toMatchObject({ toolOutputs: { search_catalog: ["TRL-MUG"] } });
    // the app crashed before finish_turn; the client retries the same press
    const resumed = await begin(t.db, u, args);
    expect(resumed).toMatchObject({ status: "resume", user_message: { id: first.user_message.id } });
    expect(resumed.action_source).toEqual(first.action_source);
    expect(resumed.choice).toBe(first.choice);
  });
});
