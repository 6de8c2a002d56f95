import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// A vote on a reply that "Try again" replaced is a vote on that old reply, not on the one shown in
// its place (issue 22, item 7): the trace's votes stop counting it, and the old reply takes no new vote.

const regenerate = (messageId: string) => ({ p_message: null, p_action: { id: "regenerate", payload: { messageId } } });

describe.each(backends)("votes on a replaced reply on $name", ({ open }) => {
  const t = databaseFor(open);
  const votes = async (traceId: string) =>
    (await t.sql<{ votes_up: number; votes_down: number }>("select votes_up, votes_down from llm_traces where id = $1", [traceId]))[0];

  async function replaced() {
    const user = visitor();
    const r = await begin(t.db, user, { p_message: "a tent for two" });
    const first = (await finish(t.db, r.user_message.id, { p_content: "first answer" })).reply;
    return { user, r, first, traceId: r.session.trace_id! };
  }

  it("a vote cast before Try again no longer counts on the trace once the reply is replaced", async () => {
    const x = await replaced();
    await t.db.rpc("set_message_vote", { p_user_id: x.user, p_message_id: x.first.id, p_vote: "up" });
    expect(await votes(x.traceId)).toEqual({ votes_up: 1, votes_down: 0 });
    await begin(t.db, x.user, regenerate(x.first.id));
    const second = (await finish(t.db, x.r.user_message.id, { p_content: "second answer" })).reply;
    // the shown reply has no vote, and neither has the conversation
    expect(await votes(x.traceId)).toEqual({ votes_up: 0, votes_down: 0 });
    const shown = await t.sql<{ vote: string | null }>("select vote from conversation_messages where id = $1", [second.id]);
    expect(shown[0].vote).toBeNull();
    // a vote on the shown reply counts as usual
    await t.db.rpc("set_message_vote", { p_user_id: x.user, p_message_id: second.id, p_vote: "down" });
    expect(await votes(x.traceId)).toEqual({ votes_up: 0, votes_down: 1 });
  });

  it("a vote sent for the replaced reply afterwards (a stale page) is refused and counts nothing", async () => {
    const x = await replaced();
    await begin(t.db, x.user, regenerate(x.first.id));
    await finish(t.db, x.r.user_message.id, { p_content: "second answer" });
    await expect(t.db.rpc("set_message_vote", { p_user_id: x.user, p_message_id: x.first.id, p_vote: "up" }))
      .rejects.toMatchObject({ code: "conflict:vote" });
    expect(await votes(x.traceId)).toEqual({ votes_up: 0, votes_down: 0 });
  });

  it("erasing the visitor afterwards still works (the old reply's vote goes with its message)", async () => {
    const x = await replaced();
    await t.db.rpc("set_message_vote", { p_user_id: x.user, p_message_id: x.first.id, p_vote: "down" });
    await begin(t.db, x.user, regenerate(x.first.id));
    await finish(t.db, x.r.user_message.id, { p_content: "second answer" });
    await expect(t.db.rpc("erase_visitor", { p_user_id: x.user, p_requested_by: "operator" })).resolves.toMatchObject({ found: true });
  });
});
