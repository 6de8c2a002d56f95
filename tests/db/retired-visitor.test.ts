import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { beginTurn, type TurnRequest } from "@/lib/chat/begin";
import { backends, databaseFor } from "../support/databases";
import { begin, finish } from "./turn-helpers";

// "Delete my chat history" retires the visitor's cookie id (docs/privacy.md): begin_turn and
// voice_allowance answer `retired` under the visitor's lock, so a copy of the old signed cookie
// writes nothing under the old id and reads nothing back; the app starts a new visitor.

describe.each(backends)("a retired visitor id on $name", ({ open }) => {
  const t = databaseFor(open);

  async function erasedWebVisitor(): Promise<string> {
    const id = randomUUID(); // a web visitor's id is the uuid in their signed cookie
    const first = await begin(t.db, id, { p_message: "a tent for two" });
    await finish(t.db, first.user_message.id);
    const erased = (await t.db.rpc("erase_visitor", { p_user_id: id, p_requested_by: "visitor" })) as { found: boolean };
    expect(erased.found).toBe(true);
    return id;
  }

  it("begin_turn refuses the old id after an erasure: nothing is written, nothing read back", async () => {
    const id = await erasedWebVisitor();
    const again = await t.db.rpc("begin_turn", { p_user_id: id, p_message: "hello again", p_client_message_id: randomUUID() });
    expect(again).toEqual({ status: "retired" });
    const [rows] = await t.sql<{ n: number }>(
      `select (select count(*) from conversation_sessions where user_id = $1)
            + (select count(*) from conversation_messages where user_id = $1)
            + (select count(*) from llm_traces where user_id = $1) as n`, [id]);
    expect(Number(rows.n)).toBe(0);
    expect(await t.db.rpc("list_visitor_sessions", { p_user_id: id })).toEqual([]);
    await expect(t.db.rpc("export_visitor", { p_user_id: id })).rejects.toMatchObject({ code: "not_found:visitor" });
    // the tombstone is a digest: the old id is in no column
    const [kept] = await t.sql<{ n: number }>("select count(*) as n from retired_visitors where id_digest::text ilike '%' || $1 || '%'", [id]);
    expect(Number(kept.n)).toBe(0);
  });

  it("voice_allowance refuses it too (no recording is registered under the old id)", async () => {
    const id = await erasedWebVisitor();
    expect(await t.db.rpc("voice_allowance", { p_user_id: id, p_client_message_id: randomUUID() })).toEqual({ status: "retired" });
  });

  it("the app's beginTurn runs the turn for a new visitor instead", async () => {
    const id = await erasedWebVisitor();
    const fresh = randomUUID();
    const turn: TurnRequest = {
      visitorId: id, requestId: randomUUID(), message: "hello again", modelKey: "offline", defaultAgent: "product_recommendation",
      idleMinutes: 1440, rateLimit: 0, ipRateLimit: 0, renewVisitor: async () => ({ id: fresh }),
    };
    const begun = await beginTurn(t.db, turn);
    expect(turn.visitorId).toBe(fresh);
    if (begun.status !== "started") throw new Error(`expected a started turn, got ${begun.status}`);
    const [owner] = await t.sql<{ user_id: string }>("select user_id from conversation_sessions where id = $1", [begun.session.id]);
    expect(owner.user_id).toBe(fresh);
  });

  it("an id that is no web cookie's (a WhatsApp sender's keyed hash) is not retired: the number may write again", async () => {
    const wa = `wa_${randomUUID().replaceAll("-", "")}`;
    const first = await begin(t.db, wa, { p_channel: "whatsapp" });
    await finish(t.db, first.user_message.id);
    await t.db.rpc("erase_visitor", { p_user_id: wa, p_requested_by: "operator" });
    expect((await begin(t.db, wa, { p_channel: "whatsapp" })).status).toBe("started");
  });
});
