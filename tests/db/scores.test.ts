import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// Scores and comments (docs/rules.md, "Scores and comments"), on PGlite and PostgreSQL: every source's
// score survives the others, an edit replaces only its author's own, values fit their config, the
// trace's counters follow in the same transaction, and a comment is changed only by its author.

describe.each(backends)("scores and comments on $name", ({ open }) => {
  const t = databaseFor(open);

  async function tracked(user = visitor()) {
    const b = await begin(t.db, user);
    const f = await finish(t.db, b.user_message.id);
    return { user, sessionId: b.session.id, traceId: b.session.trace_id!, questionId: b.user_message.id, replyId: f.reply.id as string };
  }
  const trace = async (id: string) =>
    (await t.sql<{ feedback: string; feedback_comment: string | null; votes_up: number; votes_down: number; comments_count: number }>(
      "select feedback, feedback_comment, votes_up, votes_down, comments_count from llm_traces where id = $1", [id]))[0];
  const scoresOf = async (traceId: string, source?: string, author?: string) =>
    (await t.db.rpc("trace_scores", { p_trace_id: traceId, p_source: source, p_author: author })).scores;
  const score = (traceId: string, name: string, value: unknown, source: string, author: string, comment?: string) =>
    t.db.rpc("set_score", { p_trace_id: traceId, p_name: name, p_value: String(value), p_source: source, p_author: author, p_comment: comment });

  it("keeps the operator's rating with its comment when the visitor rates the trace afterwards (issue 22's bug)", async () => {
    const x = await tracked();
    await t.db.rpc("set_trace_feedback", { p_trace_id: x.traceId, p_rating: "negative", p_comment: "wrong store hours" });
    await t.db.rpc("set_feedback", { p_session_id: x.sessionId, p_rating: "positive", p_user_id: x.user });
    const all = await scoresOf(x.traceId);
    expect(all.map((s) => [s.name, s.source, s.author, s.value, s.comment])).toEqual([
      ["helpful", "operator", "admin", false, "wrong store hours"],
      ["helpful", "visitor", x.user, true, null],
    ]);
    // the trace's counter is the visitor's answer, as the dashboard and the widget read it
    expect(await trace(x.traceId)).toMatchObject({ feedback: "positive", feedback_comment: null });
    // and the other way round: the operator's save leaves the visitor's rating alone
    await t.db.rpc("set_trace_feedback", { p_trace_id: x.traceId, p_rating: "positive", p_comment: "fine after all" });
    expect(await trace(x.traceId)).toMatchObject({ feedback: "positive" });
    const again = await scoresOf(x.traceId);
    expect(again).toHaveLength(2);
    expect(again.find((s) => s.source === "operator")).toMatchObject({ value: true, comment: "fine after all" });
  });

  it("two operators' scores on one trace coexist; an edit replaces only the author's own", async () => {
    const x = await tracked();
    const a = await score(x.traceId, "quality", "good", "operator", "op-a", "clear");
    const b = await score(x.traceId, "quality", "bad", "operator", "op-b");
    await score(x.traceId, "quality", "ok", "api", "op-a");
    const edited = await score(x.traceId, "quality", "excellent", "operator", "op-a", "even better");
    expect(edited.id).toBe(a.id);
    const all = await scoresOf(x.traceId, "operator", "op-a");
    expect(all).toHaveLength(3);
    expect(all.find((s) => s.id === a.id)).toMatchObject({ value: "excellent", numeric_value: 4, comment: "even better", mine: true });
    expect(all.find((s) => s.id === b.id)).toMatchObject({ value: "bad", numeric_value: 0, comment: null, mine: false });
    expect(all.find((s) => s.source === "api")).toMatchObject({ value: "ok", mine: false });
  });

  it("the unique rule is the constraint: a direct second insert of one author's score is refused", async () => {
    const x = await tracked();
    const insert = () =>
      t.sql("insert into scores (trace_id, config_id, value, source, author) select $1, id, 1, 'operator', 'op' from score_configs where name = 'helpful'", [x.traceId]);
    await insert();
    await expect(insert()).rejects.toThrow(/scores_one_per_author/);
  });

  it("refuses a value outside its config, an unknown config, no target or two targets, and an unknown target", async () => {
    const x = await tracked();
    await t.db.rpc("create_score_config", { p_name: "accuracy", p_data_type: "numeric", p_min: 0, p_max: 10 });
    for (const [name, value] of [["accuracy", 11], ["accuracy", -1], ["accuracy", "high"], ["quality", "superb"], ["quality", 2], ["helpful", "yes"], ["helpful", 2], ["nope", 1]] as const) {
      await expect(score(x.traceId, name, value, "operator", "op"), `${name}=${value}`).rejects.toMatchObject({ code: "bad_request:score" });
    }
    expect(await score(x.traceId, "accuracy", 7.5, "operator", "op")).toMatchObject({ value: 7.5 });
    expect(await score(x.traceId, "helpful", 1, "operator", "op")).toMatchObject({ value: true });
    await expect(t.db.rpc("set_score", { p_name: "helpful", p_value: "true", p_source: "operator", p_author: "op" })).rejects.toMatchObject({ code: "bad_request:score" });
    await expect(t.db.rpc("set_score", { p_trace_id: x.traceId, p_message_id: x.replyId, p_name: "helpful", p_value: "true", p_source: "operator", p_author: "op" }))
      .rejects.toMatchObject({ code: "bad_request:score" });
    await expect(score("00000000-0000-4000-8000-000000000000", "helpful", true, "operator", "op")).rejects.toMatchObject({ code: "not_found:trace" });
    // a direct insert is checked by the trigger too
    await expect(t.sql("insert into scores (trace_id, config_id, value, source, author) select $1, id, 11, 'operator', 'x' from score_configs where name = 'accuracy'", [x.traceId]))
      .rejects.toThrow(/bad_request:score/);
    await expect(t.db.rpc("create_score_config", { p_name: "accuracy", p_data_type: "boolean" })).rejects.toMatchObject({ code: "conflict:score_config" });
    await expect(t.db.rpc("create_score_config", { p_name: "span", p_data_type: "numeric", p_min: 5, p_max: 1 })).rejects.toMatchObject({ code: "bad_request:score_config" });
    await expect(t.db.rpc("create_score_config", { p_name: "dup", p_data_type: "categorical", p_categories: ["a", "a"] })).rejects.toMatchObject({ code: "bad_request:score_config" });
  });

  it("a visitor's vote is their vote score on the message; the message and the trace's counts follow, removal keeps them", async () => {
    const x = await tracked();
    await t.db.rpc("set_message_vote", { p_user_id: x.user, p_message_id: x.replyId, p_vote: "up" });
    expect(await trace(x.traceId)).toMatchObject({ votes_up: 1, votes_down: 0 });
    // an operator's vote on the same message is a score of its own and no visitor count
    await t.db.rpc("set_score", { p_message_id: x.replyId, p_name: "vote", p_value: "false", p_source: "operator", p_author: "op" });
    await t.db.rpc("set_message_vote", { p_user_id: x.user, p_message_id: x.replyId, p_vote: "down" });
    expect(await trace(x.traceId)).toMatchObject({ votes_up: 0, votes_down: 1 });
    const votes = (await scoresOf(x.traceId)).filter((s) => s.name === "vote");
    expect(votes.map((s) => [s.source, s.value])).toEqual([["visitor", false], ["operator", false]]);
    const [m] = await t.sql<{ vote: string }>("select vote from conversation_messages where id = $1", [x.replyId]);
    expect(m.vote).toBe("down");
    // a removed message takes its scores along; the trace keeps its count
    await t.sql("delete from conversation_messages where session_id = $1", [x.sessionId]);
    expect(await trace(x.traceId)).toMatchObject({ votes_up: 0, votes_down: 1 });
    expect((await scoresOf(x.traceId)).filter((s) => s.name === "vote")).toEqual([]);
  });

  it("deletes only the caller's own score: another's is 403, none 404; the visitor's clear resets the trace", async () => {
    const x = await tracked();
    const mine = await score(x.traceId, "quality", "ok", "operator", "op-a");
    await expect(t.db.rpc("delete_score", { p_score_id: mine.id, p_source: "operator", p_author: "op-b" })).rejects.toMatchObject({ code: "forbidden:score" });
    await expect(t.db.rpc("delete_score", { p_score_id: mine.id, p_source: "api", p_author: "op-a" })).rejects.toMatchObject({ code: "forbidden:score" });
    expect(await t.db.rpc("delete_score", { p_score_id: mine.id, p_source: "operator", p_author: "op-a" })).toMatchObject({ deleted: true });
    await expect(t.db.rpc("delete_score", { p_score_id: mine.id, p_source: "operator", p_author: "op-a" })).rejects.toMatchObject({ code: "not_found:score" });
    await t.db.rpc("set_feedback", { p_session_id: x.sessionId, p_rating: "negative", p_comment: "slow", p_user_id: x.user });
    expect(await trace(x.traceId)).toMatchObject({ feedback: "negative", feedback_comment: "slow" });
    await t.db.rpc("set_feedback", { p_session_id: x.sessionId, p_rating: "pending", p_user_id: x.user });
    expect(await trace(x.traceId)).toMatchObject({ feedback: "pending", feedback_comment: null });
  });

  it("an erased visitor's rating keeps its value, not their id or words", async () => {
    const x = await tracked();
    await t.db.rpc("set_feedback", { p_session_id: x.sessionId, p_rating: "positive", p_comment: "call me at 555", p_user_id: x.user });
    await t.db.rpc("erase_visitor", { p_user_id: x.user, p_requested_by: "operator" });
    const [s] = await scoresOf(x.traceId);
    expect(s).toMatchObject({ source: "visitor", value: true, comment: null });
    expect(s.author).toMatch(/^erased_/);
    expect(await trace(x.traceId)).toMatchObject({ feedback: "positive" });
  });

  it("filters the explorer by a trace-level score and lists each trace's scores and comment count", async () => {
    const x = await tracked();
    const y = await tracked();
    await score(x.traceId, "quality", "good", "operator", "op");
    await score(y.traceId, "quality", "poor", "operator", "op");
    await t.db.rpc("add_trace_comment", { p_trace_id: x.traceId, p_author: "op", p_content: "look" });
    const ids = async (args: Record<string, unknown>) =>
      (await t.db.rpc("search_traces", { p_limit: 200, p_score: "quality", ...args })).traces.map((r) => r.id).filter((id) => id === x.traceId || id === y.traceId);
    expect(await ids({ p_score_op: "gte", p_score_value: 3 })).toEqual([x.traceId]);
    expect(await ids({ p_score_op: "lt", p_score_value: 3 })).toEqual([y.traceId]);
    expect(await ids({ p_score_op: "eq", p_score_value: 1 })).toEqual([y.traceId]);
    expect((await ids({})).sort()).toEqual([x.traceId, y.traceId].sort());
    const [row] = (await t.db.rpc("search_traces", { p_session_tag: (await t.sql<{ session_tag: string }>("select session_tag from llm_traces where id = $1", [x.traceId]))[0].session_tag, p_user_id: x.user })).traces;
    expect(row).toMatchObject({ comments_count: 1, scores: [{ name: "quality", source: "operator", author: "op", value: "good" }] });
    await expect(t.db.rpc("search_traces", { p_score: "quality", p_score_op: "near" as "eq", p_score_value: 1 })).rejects.toMatchObject({ code: "bad_request:traces" });
  });

  it("sorts the explorer by the filtered score (the trace's mean over authors), both ways, paging by keyset", async () => {
    const [a, b, c] = [await tracked(), await tracked(), await tracked()];
    await t.db.rpc("create_score_config", { p_name: "sortable", p_data_type: "numeric", p_min: 0, p_max: 10 });
    await score(a.traceId, "sortable", 2, "operator", "op-a");
    await score(a.traceId, "sortable", 9, "operator", "op-b"); // mean 5.5
    await score(b.traceId, "sortable", 7, "api", "script"); // 7
    await score(c.traceId, "sortable", 1, "operator", "op-a"); // 1
    const pageOf = (dir: string, after?: { v: string; i: string }) =>
      t.db.rpc("search_traces", { p_score: "sortable", p_sort: "score", p_dir: dir, p_limit: 2, p_after_value: after?.v, p_after_id: after?.i });
    const first = await pageOf("desc");
    expect(first.traces.map((r) => r.id)).toEqual([b.traceId, a.traceId]);
    expect(first.has_more).toBe(true);
    const last = first.traces.at(-1)!;
    expect(last.sort_value).toMatch(/^5\.5\d*\|/);
    const second = await pageOf("desc", { v: last.sort_value, i: last.id });
    expect(second.traces.map((r) => r.id)).toEqual([c.traceId]);
    expect(second.has_more).toBe(false);
    expect((await pageOf("asc")).traces.map((r) => r.id)).toEqual([c.traceId, a.traceId]);
    // without a score to sort by, the sort falls back to time
    const plain = await t.db.rpc("search_traces", { p_sort: "score", p_limit: 3 });
    expect(plain.traces.map((r) => r.id)).toEqual([c.traceId, b.traceId, a.traceId]);
  });

  it("comments: in order, on the trace or one of its messages; only the author edits or deletes; counted on the trace", async () => {
    const x = await tracked();
    const other = await tracked();
    const a = await t.db.rpc("add_trace_comment", { p_trace_id: x.traceId, p_author: "op-a", p_content: " first " });
    const b = await t.db.rpc("add_trace_comment", { p_trace_id: x.traceId, p_author: "op-b", p_content: "on the reply", p_message_id: x.replyId });
    expect(a).toMatchObject({ content: "first", message_id: null, mine: true });
    await expect(t.db.rpc("add_trace_comment", { p_trace_id: x.traceId, p_author: "op-a", p_content: "x", p_message_id: other.replyId })).rejects.toMatchObject({ code: "not_found:message" });
    await expect(t.db.rpc("add_trace_comment", { p_trace_id: x.traceId, p_author: "op-a", p_content: "   " })).rejects.toMatchObject({ code: "bad_request:comment" });
    expect((await trace(x.traceId)).comments_count).toBe(2);

    await expect(t.db.rpc("edit_trace_comment", { p_comment_id: b.id, p_author: "op-a", p_content: "mine now" })).rejects.toMatchObject({ code: "forbidden:comment" });
    await expect(t.db.rpc("delete_trace_comment", { p_comment_id: b.id, p_author: "op-a" })).rejects.toMatchObject({ code: "forbidden:comment" });
    const edited = await t.db.rpc("edit_trace_comment", { p_comment_id: a.id, p_author: "op-a", p_content: "first, edited" });
    expect(edited).toMatchObject({ id: a.id, content: "first, edited" });
    // the author stays the author, even for a direct update
    await expect(t.sql("update trace_comments set author = 'op-a' where id = $1", [b.id])).rejects.toThrow(/forbidden:comment/);

    const list = await t.db.rpc("trace_comments", { p_trace_id: x.traceId, p_author: "op-b" });
    expect(list.comments.map((c) => [c.author, c.content, c.mine])).toEqual([["op-a", "first, edited", false], ["op-b", "on the reply", true]]);
    await t.db.rpc("delete_trace_comment", { p_comment_id: a.id, p_author: "op-a" });
    await expect(t.db.rpc("delete_trace_comment", { p_comment_id: a.id, p_author: "op-a" })).rejects.toMatchObject({ code: "not_found:comment" });
    expect((await trace(x.traceId)).comments_count).toBe(1);
    // retention removing the message leaves the comment on the trace
    await t.sql("delete from conversation_messages where session_id = $1", [x.sessionId]);
    expect((await t.db.rpc("trace_comments", { p_trace_id: x.traceId })).comments).toMatchObject([{ id: b.id, message_id: null }]);
  });
});
