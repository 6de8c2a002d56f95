import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { Visitor } from "../support/client";
import { freshPostgresUrl } from "../support/databases";

// Multi-step flows and buttons through HTTP, across a server restart.
let app: App;
let db: pg.Pool;
beforeAll(async () => {
  const url = await freshPostgresUrl();
  db = new pg.Pool({ connectionString: url, max: 2 });
  app = await startApp({ DATABASE_URL: url });
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
  await say({ message: "I'm Ana Lopez, ana@example.com", sessionId: first.sessionId });

  await app.restart();
  transcript.push("-- server restarted --");

  const afterRestart = await say({ message: "call me at +1 555 123 4567", sessionId: first.sessionId });
  expect(afterRestart.sessionId).toBe(first.sessionId);
  expect(afterRestart.newSession).toBe(false);
  expect(afterRestart.reply.content).toContain("Store C, 7 Pine Avenue, Denver");
  const yes = afterRestart.reply.buttons.find((b) => b.action.payload?.answer === "yes");
  expect(yes).toBeDefined();
  const done = await say({ action: yes!.action, sessionId: first.sessionId });
  expect(done.reply.content).toMatch(/BO-[0-9A-F]{10}/);
  const [flow] = await db.query("select state from flow_states where session_id = $1 and flow = 'bulk_order'", [first.sessionId]).then((r) => r.rows);
  expect(flow.state).toMatchObject({ status: "confirmed", quantity: 25, name: "Ana Lopez", email: "ana@example.com" });
  expect(app.logs.some((l) => l.includes('"event":"session.restored"') && l.includes(first.sessionId))).toBe(true);
  console.log("restart transcript:\n" + transcript.join("\n"));
});

it("a product button is answered from the tool output stored in the same session", async () => {
  const v = new Visitor(app.url);
  const r = await v.chat({ message: "I need a light tent for backpacking", agent: "product_recommendation" });
  const details = r.reply.buttons.find((b) => b.action.id === "product_details");
  expect(details).toBeDefined();
  const clicked = await v.chat({ action: details!.action, sessionId: r.sessionId });
  expect(clicked.sessionId).toBe(r.sessionId);
  const [reply] = await db.query("select metadata from conversation_messages where id = $1", [clicked.reply.id]).then((x) => x.rows);
  expect(reply.metadata).toMatchObject({ kind: "product_details", source: "stored_tool_output", sku: details!.action.payload!.sku });
  const [question] = await db
    .query("select content, metadata from conversation_messages where session_id = $1 and role = 'user' order by seq desc limit 1", [r.sessionId])
    .then((x) => x.rows);
  expect(question.content).toBe(details!.label);
  expect(question.metadata.action).toEqual(details!.action);
});

it("menu, then a number, switches agent (R4)", async () => {
  const v = new Visitor(app.url);
  const a = await v.chat({ message: "hello", agent: "product_recommendation" });
  const menu = await v.chat({ message: "menu", sessionId: a.sessionId });
  expect(menu.reply.content).toMatch(/1.*Product Recommendation[\s\S]*2.*Sales Pitch[\s\S]*3.*Order Assistant/);
  expect(menu.reply.buttons.map((b) => b.action.payload?.agent)).toEqual(["product_recommendation", "sales_pitch", "order_assistant"]);
  const picked = await v.chat({ message: "2", sessionId: menu.sessionId });
  expect(picked).toMatchObject({ newSession: true, agent: { key: "sales_pitch", name: "Sales Pitch" } });
});
