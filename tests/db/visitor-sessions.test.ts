import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// The widget's chat list (list_visitor_sessions) and the handoff note in a session's history
// (session_messages.handoff): docs/widget.md, "Earlier chats" and "Handoffs".

describe.each(backends)("a visitor's own sessions on $name", ({ open }) => {
  const t = databaseFor(open);

  async function chat(user: string, agent: string, words: string[]) {
    const first = await begin(t.db, user, { p_agent: agent, p_message: words[0] });
    await finish(t.db, first.user_message.id, { p_content: `re: ${words[0]}` });
    for (const w of words.slice(1)) {
      const r = await begin(t.db, user, { p_message: w, p_session_id: first.session.id });
      await finish(t.db, r.user_message.id, { p_content: `re: ${w}` });
    }
    return first.session.id;
  }

  it("lists the visitor's sessions newest first with agent, tag, model and last message", async () => {
    const u = visitor();
    const a = await chat(u, "product_recommendation", ["tents?"]);
    await t.db.rpc("end_session", { p_user_id: u, p_session_id: a, p_reason: "new_chat" });
    const b = await chat(u, "sales_pitch", ["why you", "and then"]);
    const list = await t.db.rpc("list_visitor_sessions", { p_user_id: u });
    expect(list.map((s) => s.id)).toEqual([b, a]);
    expect(list[0]).toMatchObject({ agent_type: "sales_pitch", agent_name: "Sales Pitch", is_active: true, ended_at: null });
    expect(list[0].last_message).toMatchObject({ role: "agent", content: "re: and then" });
    expect(list[1]).toMatchObject({ agent_type: "product_recommendation", is_active: false });
    expect(list[1].session_tag).toMatch(/_\d+$/);
    expect(list[1].trace_id).not.toBeNull();
  });

  it("never shows another visitor's sessions, and an erased visitor has none", async () => {
    const ana = visitor();
    const bob = visitor();
    await chat(ana, "sales_pitch", ["ana's secret"]);
    const bobs = await chat(bob, "sales_pitch", ["bob here"]);
    const seen = await t.db.rpc("list_visitor_sessions", { p_user_id: bob });
    expect(seen.map((s) => s.id)).toEqual([bobs]);
    expect(JSON.stringify(seen)).not.toContain("ana's secret");
    expect(await t.db.rpc("list_visitor_sessions", { p_user_id: visitor() })).toEqual([]);
    await t.db.rpc("erase_visitor", { p_user_id: ana });
    expect(await t.db.rpc("list_visitor_sessions", { p_user_id: ana })).toEqual([]);
  });

  it("keeps at most the limit asked for", async () => {
    const u = visitor();
    for (const agent of ["sales_pitch", "product_recommendation", "sales_pitch"]) await chat(u, agent, ["hi there"]);
    expect(await t.db.rpc("list_visitor_sessions", { p_user_id: u, p_limit: 2 })).toHaveLength(2);
  });

  it("the history of a session opened by a handoff carries the note and the question it carried over", async () => {
    const u = visitor();
    const r = await begin(t.db, u, { p_agent: "product_recommendation", p_message: "25 headlamps please" });
    const done = await finish(t.db, r.user_message.id, {
      p_content: "Let me hand you to our Order Assistant.",
      p_handoff: { agent: "order_assistant", content: "25 headlamps, noted." },
    });
    const history = await t.db.rpc("session_messages", { p_user_id: u, p_session_id: done.session.id });
    expect(history.handoff).toMatchObject({ from_session_id: r.session.id, from_agent: "product_recommendation" });
    expect(history.handoff?.note.content).toBe("Let me hand you to our Order Assistant.");
    expect(history.handoff?.question_id).toBe(history.messages[0].id);
    const before = await t.db.rpc("session_messages", { p_user_id: u, p_session_id: r.session.id });
    expect(before.handoff).toBeNull();
  });
});
