import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";

// The widget's routes over HTTP against `next start`: the agent menu, product
// cards and per-message votes, with their typed errors.

let app: App;
let db: pg.Pool;
beforeAll(async () => { ({ app, db } = await startAppOnFreshDatabase()); });
afterAll(() => stopAppAndPool(app, db));

const unknownId = "6f1c1f43-4a57-4a4e-9d3c-2b9c0c7c5a11";

describe("GET /api/agents", () => {
  it("lists the enabled agents in menu order with their greeting, and follows edits made in SQL", async () => {
    const res = await fetch(`${app.url}/api/agents`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { agents } = (await res.json()) as { agents: { key: string; name: string; description: string; greeting: string | null }[] };
    expect(agents.map((a) => a.key)).toEqual(["product_recommendation", "sales_pitch", "order_assistant"]);
    expect(Object.keys(agents[0]).sort()).toEqual(["description", "greeting", "key", "name"]);
    expect(agents[2].greeting).toMatch(/Order Assistant/);

    await db.query("update agents set is_enabled = false where key = 'sales_pitch'");
    try {
      const after = (await (await fetch(`${app.url}/api/agents`)).json()) as { agents: { key: string }[] };
      expect(after.agents.map((a) => a.key)).toEqual(["product_recommendation", "order_assistant"]);
    } finally {
      await db.query("update agents set is_enabled = true where key = 'sales_pitch'");
    }
  });
});

describe("GET /api/products", () => {
  it("answers name, price and description by SKU, in the order asked, leaving unknown SKUs out", async () => {
    const res = await fetch(`${app.url}/api/products?sku=TRL-JKT-RN&sku=NOPE-1&sku=TRL-JKT-RN`);
    expect(res.status).toBe(200);
    const { products } = await res.json();
    expect(products).toEqual([{ sku: "TRL-JKT-RN", name: "Stormshell Rain Jacket", priceCents: 14900, summary: expect.stringContaining("Packable") }]);
  });

  it.each([
    ["no sku", ""],
    ["a malformed sku", "?sku=%3Cscript%3E"],
    ["too many skus", `?${Array.from({ length: 13 }, (_, i) => `sku=A-${i}`).join("&")}`],
  ])("%s is 400 bad_request:products", async (_name, query) => {
    const res = await fetch(`${app.url}/api/products${query}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "bad_request:products", message: expect.any(String) } });
  });
});

describe("POST /api/sessions/{id}/messages/{messageId}/vote", () => {
  const path = (sessionId: string, messageId: string) => `/api/sessions/${sessionId}/messages/${messageId}/vote`;

  it("sets, changes and clears a vote on the visitor's own agent message; the trace counts it exactly", async () => {
    const visitor = new Visitor(app.url);
    const turn = await visitor.chat({ message: "I need a light tent", agent: "product_recommendation" });
    const counts = async () =>
      (await db.query("select votes_up as up, votes_down as down from llm_traces where session_id = $1", [turn.sessionId])).rows[0];

    for (const [vote, expected] of [["up", { up: 1, down: 0 }], ["up", { up: 1, down: 0 }], ["down", { up: 0, down: 1 }], [null, { up: 0, down: 0 }]] as const) {
      const res = await visitor.post(path(turn.sessionId, turn.reply.id), { vote });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ messageId: turn.reply.id, sessionId: turn.sessionId, vote, traceId: turn.traceId });
      expect(await counts()).toEqual(expected);
    }
  });

  it("another visitor's message, a visitor message, an unknown id and a malformed id are 404; nothing changes", async () => {
    const owner = new Visitor(app.url);
    const turn = await owner.chat({ message: "I need a light tent", agent: "product_recommendation" });
    const stranger = new Visitor(app.url);
    await stranger.chat({ message: "hello" });
    const [user] = (await db.query("select id from conversation_messages where session_id = $1 and role = 'user'", [turn.sessionId])).rows;
    const cases: [Visitor, string][] = [
      [stranger, path(turn.sessionId, turn.reply.id)],
      [new Visitor(app.url), path(turn.sessionId, turn.reply.id)],
      [owner, path(turn.sessionId, user.id)],
      [owner, path(turn.sessionId, unknownId)],
      [owner, path(unknownId, turn.reply.id)],
      [owner, path(turn.sessionId, "not-a-uuid")],
    ];
    for (const [who, url] of cases) {
      const res = await who.post(url, { vote: "up" });
      expect(res.status, url).toBe(404);
      expect((await res.json()).error.code).toBe("not_found:message");
    }
    const [row] = (await db.query("select vote from conversation_messages where id = $1", [turn.reply.id])).rows;
    expect(row.vote).toBeNull();
  });

  it.each([
    ["an unknown vote", { vote: "sideways" }, 400, "bad_request:vote"],
    ["no vote field", {}, 400, "bad_request:vote"],
    ["an extra field", { vote: "up", weight: 10 }, 400, "bad_request:vote"],
  ])("%s is rejected with its typed error", async (_name, body, status, code) => {
    const visitor = new Visitor(app.url);
    const turn = await visitor.chat({ message: "hello" });
    const res = await visitor.post(path(turn.sessionId, turn.reply.id), body);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } });
  });

  it("a body that is not JSON is 415", async () => {
    const res = await fetch(`${app.url}${path(unknownId, unknownId)}`, { method: "POST", headers: { "content-type": "text/plain" }, body: "up" });
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe("unsupported_media_type:vote");
  });
});
