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
  // the visitor's rating is their helpful score: one pending row per score, naming it (the drainer reads
  // the value when it sends); the label is the score's now
  const feedbackRows = async (session: string) =>
    t.sql<{ key: string; label: string }>(
      `select o.dedupe_key as key, case s.value when 1 then 'positive' else 'negative' end as label
         from public.otlp_outbox o join public.scores s on s.id = (o.payload ->> 'score_id')::uuid
        where o.kind = 'score' and o.session_id = $1 order by o.id`, [session]);

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
    expect(await feedbackRows(session)).toEqual([{ key: expect.stringMatching(/^score:/), label: "negative" }]);
    // another visitor rates as usual; an operator (no visitor) too
    const ana = visitor();
    const other = await ratedSession(ana);
    await t.db.rpc("set_feedback", { p_session_id: other, p_rating: "positive", p_user_id: ana });
    await t.db.rpc("set_feedback", { p_session_id: session, p_rating: "positive" });
    // the visitor's score changed again: still its one row, with the last rating
    expect((await feedbackRows(session)).map((r) => r.label)).toEqual(["positive"]);
    expect((await feedbackRows(other)).map((r) => r.label)).toEqual(["positive"]);
  });

  it("a rating changed while its row is being exported waits in one new row; the exported one is not changed", async () => {
    const bob = visitor();
    const session = await ratedSession(bob);
    await t.db.rpc("set_feedback", { p_session_id: session, p_rating: "positive", p_user_id: bob });
    const [row] = await t.sql<{ id: string }>("select id::text from public.otlp_outbox where kind = 'score' and session_id = $1", [session]);
    await t.sql("update public.otlp_outbox set claimed_until = now() + interval '1 minute' where id = $1", [row.id]);
    for (const rating of ["negative", "positive", "negative"]) await t.db.rpc("set_feedback", { p_session_id: session, p_rating: rating, p_user_id: bob });
    const rows = await t.sql<{ id: string; key: string; tx: string }>(
      "select id::text, dedupe_key as key, payload ->> 'tx' as tx from public.otlp_outbox where kind = 'score' and session_id = $1 order by id", [session]);
    // the leased row keeps its payload (its span ids); the changes wait in one new row under the key
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ id: row.id, key: `${rows[1].key}:${row.id}` });
    expect(rows[1].tx).not.toBe(rows[0].tx);
  });
});
