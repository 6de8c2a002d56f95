import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// dashboard_scores(): the trace-level scores of the dashboard's range, per config and source, in all,
// per day, agent, agent version, model and category, exact (counted from the scores at each call).

describe.each(backends)("dashboard scores on $name", ({ open }) => {
  const t = databaseFor(open);

  async function tracked(agent: string) {
    const user = visitor();
    const b = await begin(t.db, user, { p_agent: agent });
    const f = await finish(t.db, b.user_message.id);
    return { user, traceId: b.session.trace_id!, sessionId: b.session.id, replyId: f.reply.id as string };
  }
  const score = (traceId: string, name: string, value: unknown, source: string, author: string) =>
    t.db.rpc("set_score", { p_trace_id: traceId, p_name: name, p_value: String(value), p_source: source, p_author: author });
  const mine = <T extends { name: string }>(rows: T[]) => rows.filter((r) => r.name.startsWith("dash-"));

  it("counts and averages per config and source over the range, per day, agent, version, model and category", async () => {
    await t.db.rpc("create_score_config", { p_name: "dash-q", p_data_type: "numeric", p_min: 0, p_max: 10 });
    await t.db.rpc("create_score_config", { p_name: "dash-ok", p_data_type: "boolean" });
    await t.db.rpc("create_score_config", { p_name: "dash-tone", p_data_type: "categorical", p_categories: ["calm", "rude"] });
    const x = await tracked("product_recommendation");
    const y = await tracked("sales_pitch");
    const z = await tracked("product_recommendation");
    await t.sql("update llm_traces set created_at = now() - interval '2 days' where id = $1", [z.traceId]);
    await score(x.traceId, "dash-q", 4, "operator", "op-a");
    await score(x.traceId, "dash-q", 8, "operator", "op-b");
    await score(y.traceId, "dash-q", 3, "api", "script");
    await score(z.traceId, "dash-q", 10, "operator", "op-a");
    await score(x.traceId, "dash-ok", true, "operator", "op-a");
    await score(y.traceId, "dash-ok", false, "operator", "op-a");
    await score(x.traceId, "dash-tone", "rude", "operator", "op-a");
    await score(y.traceId, "dash-tone", "calm", "operator", "op-a");
    await score(z.traceId, "dash-tone", "rude", "operator", "op-a");

    const lastDay = await t.db.rpc("dashboard_scores", { p_from: new Date(Date.now() - 86_400_000).toISOString() });
    expect(mine(lastDay.totals).map((r) => [r.name, r.source, r.scores, r.average === null ? null : Number(r.average)])).toEqual([
      ["dash-ok", "operator", 2, 0.5],
      ["dash-q", "api", 1, 3],
      ["dash-q", "operator", 2, 6],
      ["dash-tone", "operator", 2, null],
    ]);
    expect(mine(lastDay.categories).map((r) => [r.name, r.category, r.scores])).toEqual([["dash-tone", "calm", 1], ["dash-tone", "rude", 1]]);
    expect(mine(lastDay.by_agent).filter((r) => r.name === "dash-q").map((r) => [r.agent_type, r.source, r.scores, Number(r.average)])).toEqual([
      ["product_recommendation", "operator", 2, 6],
      ["sales_pitch", "api", 1, 3],
    ]);
    const versions = mine(lastDay.by_agent_version).filter((r) => r.name === "dash-q" && r.source === "operator");
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ agent_type: "product_recommendation", scores: 2 });
    expect(mine(lastDay.by_model).filter((r) => r.name === "dash-q" && r.source === "operator")).toEqual([
      expect.objectContaining({ model_key: expect.any(String), model_name: expect.any(String), scores: 2 }),
    ]);

    // all time: the older trace counts too, on its own day
    const all = await t.db.rpc("dashboard_scores", {});
    expect(Number(mine(all.totals).find((r) => r.name === "dash-q" && r.source === "operator")!.average)).toBeCloseTo(22 / 3, 4);
    expect(mine(all.per_day).filter((r) => r.name === "dash-q" && r.source === "operator").map((r) => r.scores)).toEqual([1, 2]);

    // exact after a change: an edit replaces, a removed trace takes its scores with it; a message's vote is no trace score
    await score(x.traceId, "dash-q", 0, "operator", "op-b");
    await t.db.rpc("set_message_vote", { p_user_id: x.user, p_message_id: x.replyId, p_vote: "up", p_session_id: x.sessionId });
    expect((await t.sql<{ n: number }>("select count(*)::int as n from scores where message_id = $1", [x.replyId]))[0].n).toBe(1);
    await t.sql("delete from llm_traces where id = $1", [z.traceId]);
    const after = await t.db.rpc("dashboard_scores", {});
    expect(mine(after.totals).map((r) => [r.name, r.source, r.scores])).toEqual([
      ["dash-ok", "operator", 2], ["dash-q", "api", 1], ["dash-q", "operator", 2], ["dash-tone", "operator", 2],
    ]);
    expect(Number(mine(after.totals).find((r) => r.name === "dash-q" && r.source === "operator")!.average)).toBe(2);
    expect(after.totals.some((r) => r.name === "vote")).toBe(false);
  });
});
