import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// Per-message votes (set_message_vote), the agent menu (list_agents) and the
// product cards' facts (product_cards), on both backends.

describe.each(backends)("message votes, the agent menu and product cards on $name", ({ open }) => {
  const t = databaseFor(open);

  async function turn(user: string, sessionId?: string, args: Record<string, unknown> = {}) {
    const b = await begin(t.db, user, { p_session_id: sessionId, ...args });
    const f = await finish(t.db, b.user_message.id);
    return { sessionId: b.session.id, userMessageId: b.user_message.id, replyId: f.reply.id };
  }
  const vote = (user: string, messageId: string, v: "up" | "down" | null, sessionId?: string) =>
    t.db.rpc("set_message_vote", {
      p_user_id: user, p_message_id: messageId, p_vote: v, p_session_id: sessionId,
    });
  const counts = async (sessionId: string) =>
    (await t.sql<{ up: number; down: number }>("select votes_up as up, votes_down as down from llm_traces where session_id = $1", [sessionId]))[0];
  const storedVote = async (messageId: string) =>
    (await t.sql<{ vote: string | null; voted_at: Date | null }>("select vote, voted_at from conversation_messages where id = $1", [messageId]))[0];

  it("counts each message's vote exactly once on its trace, when set, changed, repeated and cleared", async () => {
    const u = visitor();
    const a = await turn(u);
    const b = await turn(u, a.sessionId);
    expect(await counts(a.sessionId)).toEqual({ up: 0, down: 0 });

    await vote(u, a.replyId, "up");
    expect(await counts(a.sessionId)).toEqual({ up: 1, down: 0 });
    await vote(u, a.replyId, "up"); // the same vote again changes nothing
    expect(await counts(a.sessionId)).toEqual({ up: 1, down: 0 });
    await vote(u, b.replyId, "up", a.sessionId);
    expect(await counts(a.sessionId)).toEqual({ up: 2, down: 0 });
    await vote(u, a.replyId, "down"); // changed
    expect(await counts(a.sessionId)).toEqual({ up: 1, down: 1 });
    expect((await storedVote(a.replyId)).vote).toBe("down");
    expect((await storedVote(a.replyId)).voted_at).not.toBeNull();
    const cleared = await vote(u, a.replyId, null);
    expect(cleared).toMatchObject({ vote: null, votes_up: 1, votes_down: 0 });
    expect(await storedVote(a.replyId)).toEqual({ vote: null, voted_at: null });
    await vote(u, a.replyId, null); // clearing twice changes nothing
    await vote(u, b.replyId, null);
    expect(await counts(a.sessionId)).toEqual({ up: 0, down: 0 });
  });

  it("concurrent votes on the messages of one trace all count", async () => {
    const u = visitor();
    const first = await turn(u);
    const replies = [first.replyId];
    for (let i = 0; i < 5; i++) replies.push((await turn(u, first.sessionId)).replyId);
    await Promise.all(replies.map((id, i) => vote(u, id, i % 2 ? "down" : "up")));
    expect(await counts(first.sessionId)).toEqual({ up: 3, down: 3 });
    await Promise.all(replies.map((id) => vote(u, id, "up")));
    expect(await counts(first.sessionId)).toEqual({ up: 6, down: 0 });
  });

  it("only the visitor's own agent message: another visitor, a user message, another session or an unknown id is 404", async () => {
    const u = visitor();
    const a = await turn(u);
    const other = await turn(u, undefined, { p_agent: "sales_pitch" });
    expect(other.sessionId).not.toBe(a.sessionId);
    const notFound = { code: "not_found:message", status: 404 };
    await expect(vote(visitor(), a.replyId, "up")).rejects.toMatchObject(notFound);
    await expect(vote(u, a.userMessageId, "up")).rejects.toMatchObject(notFound);
    await expect(vote(u, a.replyId, "up", other.sessionId)).rejects.toMatchObject(notFound);
    await expect(vote(u, "00000000-0000-4000-8000-000000000000", "up")).rejects.toMatchObject(notFound);
    await expect(vote(u, a.replyId, "sideways" as "up")).rejects.toMatchObject({ code: "bad_request:vote", status: 400 });
    expect(await counts(a.sessionId)).toEqual({ up: 0, down: 0 });
    expect((await storedVote(a.replyId)).vote).toBeNull();
  });

  it("a session without a trace (tracking off) still stores the vote", async () => {
    const u = visitor();
    const b = await begin(t.db, u, { p_tracking: false });
    const f = await finish(t.db, b.user_message.id);
    await expect(vote(u, f.reply.id, "down")).resolves.toMatchObject({ vote: "down", votes_up: null });
    expect((await storedVote(f.reply.id)).vote).toBe("down");
  });

  it("list_agents: the enabled agents in menu order, with their greeting; edits show at once", async () => {
    const keys = async () => (await t.db.rpc("list_agents")).map((a) => a.key);
    const agents = await t.db.rpc("list_agents");
    expect(agents.slice(0, 3).map((a) => a.key)).toEqual(["product_recommendation", "sales_pitch", "order_assistant"]);
    expect(agents[0]).toEqual({
      key: "product_recommendation",
      name: "Product Recommendation",
      description: expect.any(String),
      greeting: expect.stringContaining("Product Recommendation"),
    });
    await t.sql("insert into agents (key, name, description, instructions, greeting) values ('gift_helper', 'Gift Helper', 'Gift ideas', 'Help with gifts.', 'Hi! Gifts?')");
    expect((await keys()).at(-1)).toBe("gift_helper");
    await t.sql("update agents set is_enabled = false where key = 'sales_pitch'");
    expect(await keys()).not.toContain("sales_pitch");
    await t.sql("update agents set is_enabled = true where key = 'sales_pitch'");
    await t.sql("update agents set is_enabled = false where key = 'gift_helper'");
  });

  it("product_cards: facts by SKU in the order asked, once each, unknown SKUs left out", async () => {
    const cards = await t.db.rpc("product_cards", {
      p_skus: ["TRL-JKT-RN", "NOPE-1", "TRL-JKT-RN"],
    });
    expect(cards).toEqual([{ sku: "TRL-JKT-RN", name: "Stormshell Rain Jacket", priceCents: 14900, summary: expect.stringContaining("Packable") }]);
    expect(await t.db.rpc("product_cards", { p_skus: [] })).toEqual([]);
    expect(await t.db.rpc("product_cards", { p_skus: { not: "an array" } as never })).toEqual([]);
  });
});
