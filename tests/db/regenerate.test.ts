import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, step, visitor, rpcAs } from "./turn-helpers";
import type { Tables } from "@/lib/db/database.types";

// "Try again" (docs/architecture.md "Try again"): begin_turn with the regenerate action marks the
// last agent reply superseded and returns its question; finish_turn stores the new reply beside it.

const regenerate = (messageId: string) => ({ p_message: null, p_action: { id: "regenerate", payload: { messageId } } });

/** superseded_at is read as text, as the generated row type (PostgREST's shape) has it. */
type Row = Pick<Tables<"conversation_messages">, "id" | "content" | "superseded_at" | "superseded_by">;

describe.each(backends)("regenerate on $name", ({ open }) => {
  const t = databaseFor(open);

  const replies = (questionId: string) =>
    t.sql<Row>("select id, content, superseded_at::text, superseded_by from conversation_messages where reply_to = $1 order by seq", [questionId]);
  const llmCalls = async (sessionId: string) =>
    (await t.sql<Pick<Tables<"llm_traces">, "llm_calls">>("select llm_calls from llm_traces where session_id = $1", [sessionId]))[0].llm_calls;

  async function answered(user: string, message = "a tent for two") {
    const r = await begin(t.db, user, { p_message: message });
    const done = await finish(t.db, r.user_message.id, { p_content: "first answer" });
    return { r, first: done.reply };
  }

  it("keeps both answers, marks the first superseded, counts both model calls, and shows only the newest", async () => {
    const user = visitor();
    const { r, first } = await answered(user);
    const again = await begin(t.db, user, regenerate(first.id));
    expect(again.status).toBe("resume");
    expect(again.user_message.id).toBe(r.user_message.id);
    expect(again.reply).toBeNull();
    expect((again as unknown as { regenerates: string }).regenerates).toBe(first.id);
    // the model's context: the question, not the superseded answer
    expect(again.history.map((h) => h.content)).toEqual(["a tent for two"]);

    const second = await finish(t.db, r.user_message.id, { p_content: "second answer", p_observations: [step("generation", { input_tokens: 20, output_tokens: 8 })] });
    expect(second.status).toBe("stored");
    const rows = await replies(r.user_message.id);
    expect(rows.map((x) => x.content)).toEqual(["first answer", "second answer"]);
    expect(rows[0].superseded_at).not.toBeNull();
    expect(rows[0].superseded_by).toBe(second.reply.id);
    expect(rows[1].superseded_at).toBeNull();
    expect(await llmCalls(r.session.id)).toBe(2);
    const generations = await t.sql<{ n: number }>("select count(*)::int as n from llm_observations where message_id = $1 and kind = 'generation'", [r.user_message.id]);
    expect(generations[0].n).toBe(2);

    const shown = await rpcAs<{ messages: { content: string }[] }>(t.db, "session_messages", { p_user_id: user, p_session_id: r.session.id });
    expect(shown.messages.map((m) => m.content)).toEqual(["a tent for two", "second answer"]);
    const detail = await rpcAs<{ messages: { content: string; superseded_at: string | null; superseded_by: string | null }[] }>(t.db, "trace_detail", { p_trace_id: r.session.trace_id });
    expect(detail.messages.map((m) => [m.content, m.superseded_by])).toEqual([["a tent for two", null], ["first answer", second.reply.id], ["second answer", null]]);
    const next = await begin(t.db, user, { p_message: "and a lamp?" });
    expect(next.history.map((h) => h.content)).toEqual(["a tent for two", "second answer", "and a lamp?"]);
  });

  it("refuses a second regenerate of a superseded reply (409), another visitor's reply (404), and a reply that is not the last (409)", async () => {
    const user = visitor();
    const { r, first } = await answered(user);
    await begin(t.db, user, regenerate(first.id));
    await expect(begin(t.db, user, regenerate(first.id))).rejects.toMatchObject({ code: "conflict:regenerate", status: 409 });
    const second = await finish(t.db, r.user_message.id, { p_content: "second answer" });
    await expect(begin(t.db, user, regenerate(first.id))).rejects.toMatchObject({ code: "conflict:regenerate", status: 409 });
    await expect(begin(t.db, visitor(), regenerate(second.reply.id))).rejects.toMatchObject({ code: "not_found:message", status: 404 });
    await expect(begin(t.db, user, regenerate(randomUUID()))).rejects.toMatchObject({ code: "not_found:message", status: 404 });
    await expect(begin(t.db, user, regenerate(r.user_message.id))).rejects.toMatchObject({ code: "bad_request:regenerate", status: 400 });
    await expect(begin(t.db, user, { p_message: null, p_action: { id: "regenerate", payload: { messageId: "nope" } } })).rejects.toMatchObject({ code: "bad_request:regenerate", status: 400 });
    await finish(t.db, (await begin(t.db, user, { p_message: "another question" })).user_message.id);
    await expect(begin(t.db, user, regenerate(second.reply.id))).rejects.toMatchObject({ code: "conflict:regenerate", status: 409 });
    expect((await replies(r.user_message.id)).filter((x) => x.superseded_at === null)).toHaveLength(1);
  });

  it("a repeated regenerate request (same clientMessageId) resumes, then replays the new reply, exactly once", async () => {
    const user = visitor();
    const { r, first } = await answered(user);
    const clientMessageId = randomUUID();
    const once = await begin(t.db, user, { ...regenerate(first.id), p_client_message_id: clientMessageId });
    const twice = await begin(t.db, user, { ...regenerate(first.id), p_client_message_id: clientMessageId });
    expect([once.status, twice.status]).toEqual(["resume", "resume"]);
    expect(twice.user_message.id).toBe(r.user_message.id);
    const second = await finish(t.db, r.user_message.id, { p_content: "second answer" });
    const duplicate = await finish(t.db, r.user_message.id, { p_content: "third answer" });
    expect(duplicate.status).toBe("duplicate");
    expect(duplicate.reply.id).toBe(second.reply.id);
    const thrice = await begin(t.db, user, { ...regenerate(first.id), p_client_message_id: clientMessageId });
    expect(thrice.status).toBe("replay");
    expect(thrice.reply?.id).toBe(second.reply.id);
    expect((await replies(r.user_message.id)).map((x) => x.content)).toEqual(["first answer", "second answer"]);
    expect(await llmCalls(r.session.id)).toBe(2);
  });

  it("the menu and a greeting cannot be asked again, nor a reply of an ended session", async () => {
    const user = visitor();
    const menu = await begin(t.db, user, { p_message: "menu" });
    expect(menu.reply).not.toBeNull();
    await expect(begin(t.db, user, regenerate(menu.reply!.id))).rejects.toMatchObject({ code: "bad_request:regenerate" });
    const other = visitor();
    const { r, first } = await answered(other);
    await t.db.rpc("end_session", { p_user_id: other, p_session_id: r.session.id });
    await expect(begin(t.db, other, regenerate(first.id))).rejects.toMatchObject({ code: "conflict:regenerate", status: 409 });
  });

  it("a reply whose turn changed state through a tool (an order line, contact details, a confirmation) is refused with conflict:regenerate; the next plain reply may be asked again", async () => {
    const user = visitor();
    const r = await begin(t.db, user, { p_message: "we need 12 camp mugs" });
    const order = { status: "collecting", lines: [{ sku: "MUG-1", quantity: 12 }] };
    const lined = await finish(t.db, r.user_message.id, { p_content: "Added 12 × Insulated Camp Mug.", p_flows: { bulk_order: order } });
    await expect(begin(t.db, user, regenerate(lined.reply.id))).rejects.toMatchObject({ code: "conflict:regenerate", status: 409 });
    // nothing was superseded: the reply stays the answer
    expect((await replies(r.user_message.id)).map((x) => x.superseded_at)).toEqual([null]);
    // the next turn changes nothing: it may be asked again although the flow exists
    const next = await begin(t.db, user, { p_message: "what colours are there?" });
    const plain = await finish(t.db, next.user_message.id, { p_content: "Black and sand." });
    expect((await begin(t.db, user, regenerate(plain.reply.id))).status).toBe("resume");
  });
});
