import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { Visitor, type ChatReply } from "../support/client";
import { freshPostgresUrl } from "../support/databases";

// The rule codes in the test names (R1–R11, T1–T3) are defined in docs/rules.md.

// The seed conversations through HTTP, driven by the offline model's tool calls, on
// PostgreSQL and on embedded PGlite, across a server restart.
const backends = [
  { name: "postgres", env: async () => ({ DATABASE_URL: await freshPostgresUrl() }) },
  { name: "pglite", env: async () => ({ DATABASE_URL: "", PGLITE_DIR: path.join(mkdtempSync(path.join(os.tmpdir(), "threadline-flows-")), "pglite") }) },
];

describe.each(backends)("seed conversations on $name", (backend) => {
  let app: App;
  let db: pg.Pool | null = null;
  beforeAll(async () => {
    const env = await backend.env();
    if (env.DATABASE_URL) db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
    app = await startApp(env);
  });
  afterAll(async () => {
    await app?.stop();
    await db?.end();
  });

  it("a bulk order interrupted by a server restart continues to confirmation", async () => {
    const v = new Visitor(app.url);
    const transcript: string[] = [];
    const say = async (body: Record<string, unknown>) => {
      const r = await v.chat(body);
      transcript.push(`visitor: ${body.message ?? JSON.stringify(body.action)}`, `agent:   ${r.reply.content}`);
      return r;
    };
    const first = await say({ message: "I want to order 25 headlamps", agent: "order_assistant" });
    expect(first.reply.content).toContain("25 × Beacon Headlamp (TRL-LAMP)");
    await say({ message: "I'm Ana Lopez, ana@example.com", sessionId: first.sessionId });

    await app.restart();
    transcript.push("-- server restarted --");

    const afterRestart = await say({ message: "call me at +1 555 123 4567", sessionId: first.sessionId });
    expect(afterRestart).toMatchObject({ sessionId: first.sessionId, newSession: false });
    expect(afterRestart.reply.content).toContain("Store C, 7 Pine Avenue, Denver");
    expect(afterRestart.reply.content).not.toMatch(/address/i);
    const yes = afterRestart.reply.buttons.find((b) => b.action.id === "confirm_order");
    expect(yes).toBeDefined();
    const done = await say({ action: yes!.action, sessionId: first.sessionId });
    expect(done.reply.content).toMatch(/confirmed.*BO-[0-9A-F]{10}/s);
    expect(app.logs.some((l) => l.includes('"event":"session.restored"') && l.includes(first.sessionId))).toBe(true);
    if (db) {
      const [flow] = (await db.query("select state from flow_states where session_id = $1 and flow = 'bulk_order'", [first.sessionId])).rows;
      expect(flow.state).toMatchObject({ status: "confirmed", lines: [{ sku: "TRL-LAMP", quantity: 25 }], name: "Ana Lopez", email: "ana@example.com", phone: "+15551234567" });
    }
  });

  it("'Hi so i need to buy 11 remote controls' to any agent: handoff to the Order Assistant, a special-order line, contact over turns, an explicit yes", async () => {
    const v = new Visitor(app.url);
    const transcript: string[] = [];
    let last: ChatReply | undefined;
    const say = async (message: string, extra: Record<string, unknown> = {}) => {
      last = await v.chat({ message, ...(last ? { sessionId: last.sessionId } : {}), ...extra });
      transcript.push(`visitor: ${message}`, `agent:   ${last.reply.content}`);
      return last;
    };
    const opened = await say("Hi so i need to buy 11 remote controls", { agent: "sales_pitch" });
    expect(opened).toMatchObject({ newSession: true, agent: { key: "order_assistant", name: "Order Assistant" } });
    expect(opened.handoff?.fromReply.content).toMatch(/hand you/);
    expect(opened.reply.content).toMatch(/remote controls.*special-order line/s);
    const fromSession = opened.handoff!.fromSessionId;

    const twoLines = await say("also 20 headlamps please");
    expect(twoLines.reply.content).toMatch(/11 × remote controls[\s\S]*20 × Beacon Headlamp/);
    expect(twoLines.reply.content).toContain("Pickup location: Store C, 7 Pine Avenue, Denver");
    await say("Ana Lopez");
    const maybe = await say("my number is 555-123-4567");
    expect(maybe.reply.content).toMatch(/email/);
    const summary = await say("ana@example.com");
    expect(summary.reply.content).toMatch(/Please confirm/);
    expect(summary.reply.content).toMatch(/Pickup location/);
    const notYet = await say("hmm, what's a quote?");
    expect(notYet.reply.content).not.toMatch(/BO-/);
    const placed = await say("yes");
    expect(placed.reply.content).toMatch(/confirmed.*BO-[0-9A-F]{10}/s);
    expect(placed.sessionId).toBe(opened.sessionId);
    for (const line of transcript) expect(line).not.toMatch(/delivery address|shipping address/i);

    const history = await (await v.request(`/api/sessions/${fromSession}/messages`)).json();
    expect(history).toMatchObject({ isActive: false, agent: { key: "sales_pitch" } });
    if (db) {
      const [ended] = (await db.query("select end_reason from conversation_sessions where id = $1", [fromSession])).rows;
      expect(ended.end_reason).toBe("agent_switch");
      const steps = (await db.query(
        `select o.kind, o.name, o.status, o.model, o.input_tokens, o.output_tokens, o.finish_reason, o.arguments, o.result, o.duration_ms, o.cost_usd::float, m.content as message
           from llm_observations o join conversation_messages m on m.id = o.message_id
          where o.session_id = any($1) order by o.started_at, o.position`, [[fromSession, opened.sessionId]])).rows;
      expect(steps.filter((s) => s.kind === "tool").map((s) => s.name)).toEqual(
        ["handoff", "set_order_line", "set_order_line", "set_contact_details", "set_contact_details", "set_contact_details", "offer_choices", "confirm_order"],
      );
    }
  });

  it("a product button is answered by calling product_details with the button's payload", async () => {
    const v = new Visitor(app.url);
    const r = await v.chat({ message: "I need a light tent for backpacking", agent: "product_recommendation" });
    const details = r.reply.buttons.find((b) => b.action.id === "product_details");
    expect(details).toBeDefined();
    const clicked = await v.chat({ action: details!.action, sessionId: r.sessionId });
    expect(clicked.sessionId).toBe(r.sessionId);
    expect(clicked.reply.content).toContain(`SKU ${details!.action.payload!.sku}`);
    if (db) {
      const tools = (await db.query(
        "select o.name, o.arguments from llm_observations o join conversation_messages m on m.id = o.message_id where m.session_id = $1 and m.role = 'user' and m.content = $2 and o.kind = 'tool'",
        [r.sessionId, details!.label])).rows;
      expect(tools).toEqual([{ name: "product_details", arguments: details!.action.payload }]);
    }
  });

  it("menu, then a number, switches agent (R4) without the model", async () => {
    const v = new Visitor(app.url);
    const a = await v.chat({ message: "hello", agent: "product_recommendation" });
    const menu = await v.chat({ message: "menu", sessionId: a.sessionId });
    expect(menu.reply.content).toMatch(/1.*Product Recommendation[\s\S]*2.*Sales Pitch[\s\S]*3.*Order Assistant/);
    expect(menu.reply.buttons.map((b) => b.action.payload?.agent)).toEqual(["product_recommendation", "sales_pitch", "order_assistant"]);
    const picked = await v.chat({ message: "2", sessionId: menu.sessionId });
    expect(picked).toMatchObject({ newSession: true, agent: { key: "sales_pitch", name: "Sales Pitch" } });
    if (db) {
      const rows = (await db.query("select session_id, llm_calls from llm_traces where session_id = any($1) order by created_at", [[a.sessionId, picked.sessionId]])).rows;
      // hello (model) + menu (no model) on the first trace; the picked agent's greeting costs nothing
      expect(rows.map((x) => x.llm_calls)).toEqual([1, 0]);
    }
  });
});
