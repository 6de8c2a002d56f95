import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { finishObserved } from "./observed-turn";
import { begin, visitor } from "./turn-helpers";

// Issue 23.4 (docs/reliability.md, "Queues and export"): a visitor's ratings are limited per minute,
// and a trace's feedback keeps one pending OTLP row, updated in place, so a flood of rating changes
// can neither fill the outbox nor push another visitor's turn out at the cap.

describe.each(backends)("the feedback flood on $name", ({ open }) => {
  const t = databaseFor(open);

  async function ratedSession(user: string) {
    const q = await begin(t.db, user, { p_message: "hello" });
    await finishObserved(t, q.user_message.id, "hi", []);
    return q.session.id;
  }
  const feedbackRows = async (session: string) =>
    t.sql<{ key: string; label: string }>(
      `select dedupe_key as key, payload #>> '{spans,0,events,0,attributes,gen_ai.evaluation.score.label}' as label
         from public.otlp_outbox where kind = 'feedback' and session_id = $1 order by id`, [session]);

  it("limits a visitor's ratings per minute; an operator and another visitor are not held back", async () => {
    await t.db.rpc("configure_privacy", { p_pii_masking: "off", p_otlp_enabled: true, p_capture_content: false, p_outbox_cap: 10_000 });
    const eve = visitor();
    const session = await ratedSession(eve);
    const answers: string[] = [];
    for (let i = 0; i < 30; i++) {
      const rating = i % 2 ? "negative" : "positive";
      answers.push(await t.db.rpc("set_feedback", { p_session_id: session, p_rating: rating, p_user_id: eve }).then(
        () => "ok", (e: { code?: string }) => String(e.code)));
    }
    expect(answers.slice(0, 20)).toEqual(Array(20).fill("ok"));
    expect(answers.slice(20)).toEqual(Array(10).fill("rate_limit:feedback"));
    // the flood left one pending row for the trace, with the last accepted rating
    expect(await feedbackRows(session)).toEqual([{ key: expect.stringMatching(/^feedback:/), label: "negative" }]);
    // another visitor rates as usual; an operator (no visitor) too
    const ana = visitor();
    const other = await ratedSession(ana);
    await t.db.rpc("set_feedback", { p_session_id: other, p_rating: "positive", p_user_id: ana });
    await t.db.rpc("set_feedback", { p_session_id: session, p_rating: "positive" });
    expect((await feedbackRows(session)).map((r) => r.label)).toEqual(["positive"]);
    expect((await feedbackRows(other)).map((r) => r.label)).toEqual(["positive"]);
  });

  it("a rating changed while its row is being exported waits in one new row; the exported one is not changed", async () => {
    const bob = visitor();
    const session = await ratedSession(bob);
    await t.db.rpc("set_feedback", { p_session_id: session, p_rating: "positive", p_user_id: bob });
    const [row] = await t.sql<{ id: string }>("select id::text from public.otlp_outbox where kind = 'feedback' and session_id = $1", [session]);
    await t.sql("update public.otlp_outbox set claimed_until = now() + interval '1 minute' where id = $1", [row.id]);
    for (const rating of ["negative", "positive", "negative"]) await t.db.rpc("set_feedback", { p_session_id: session, p_rating: rating, p_user_id: bob });
    const rows = await feedbackRows(session);
    expect(rows.map((r) => r.label)).toEqual(["positive", "negative"]);
    expect(rows[1].key).toBe(rows[0].key.replace(/:\d+$/, ""));
  });
});
