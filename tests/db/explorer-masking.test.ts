import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, type TestDatabase } from "../support/databases";
import { begin, finish, step, visitor } from "./turn-helpers";

// The trace explorer's outputs (search_traces: the operator list and the CSV export;
// trace_detail: the operator detail) follow PII_MASKING (docs/privacy.md).

const kinds = [
  { kind: "email", raw: "ana.lopez@example.com", mark: "[email]" },
  { kind: "phone", raw: "+44 20 7946 0958", mark: "[phone]" },
  { kind: "card", raw: "4111 1111 1111 1111", mark: "[card]" },
  { kind: "address", raw: "221B Baker Street", mark: "[address]" },
];

describe.each(backends)("explorer masking on $name", ({ open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(async () => {
    await t?.db.rpc("configure_privacy", { p_pii_masking: "off" });
    await t?.close();
  });

  /** One trace with the PII in every output column: message content and metadata, a step's arguments, result and error, last_error, feedback comment. */
  async function traceWith(raw: string): Promise<string> {
    const who = visitor();
    const asked = await begin(t.db, who, { p_message: `reach me: ${raw}` });
    const tool = step("tool", { name: "lookup", arguments: { contact: raw }, result: { found: raw }, status: "error", error: `no order for ${raw}` });
    await finish(t.db, asked.user_message.id, { p_content: `Noted ${raw}`, p_metadata: { note: raw }, p_observations: [step("generation"), tool] });
    const failed = await begin(t.db, who, { p_message: "and again" });
    await finish(t.db, failed.user_message.id, { p_content: null, p_error: `model refused ${raw}`, p_observations: [] });
    const traceId = asked.session.trace_id as string;
    // the visitor's words in their rating's comment (an operator's review is a score of its own: tests/db/scores.test.ts)
    await t.db.rpc("set_feedback", { p_session_id: asked.session.id, p_rating: "negative", p_comment: `call ${raw}` });
    return traceId;
  }

  async function outputs(traceId: string, tag: string): Promise<string> {
    const detail = await t.db.rpc("trace_detail", { p_trace_id: traceId });
    const list = await t.db.rpc("search_traces", { p_session_tag: tag });
    return JSON.stringify({ detail, list });
  }

  it.each(kinds)("masks $kind in search_traces and trace_detail with export and all, not with off", async ({ raw, mark }) => {
    const traceId = await traceWith(raw);
    const [{ session_tag: tag }] = await t.sql<{ session_tag: string }>("select session_tag from llm_traces where id = $1", [traceId]);

    await t.db.rpc("configure_privacy", { p_pii_masking: "off" });
    const plain = await outputs(traceId, tag);
    // the fixture really puts the text in each column (so the masked checks below can fail)
    const detail = JSON.parse(plain).detail;
    expect(detail.trace.last_error).toContain(raw);
    expect(detail.trace.feedback_comment).toContain(raw);
    expect(JSON.parse(plain).list.traces[0]).toMatchObject({ last_error: expect.stringContaining(raw), feedback_comment: expect.stringContaining(raw) });

    for (const mode of ["export", "all"]) {
      await t.db.rpc("configure_privacy", { p_pii_masking: mode });
      const text = await outputs(traceId, tag);
      expect(text).not.toContain(raw);
      const { detail: masked, list } = JSON.parse(text);
      expect(masked.trace.last_error).toBe(`model refused ${mark}`);
      expect(masked.trace.feedback_comment).toBe(`call ${mark}`);
      expect(list.traces[0]).toMatchObject({ last_error: `model refused ${mark}`, feedback_comment: `call ${mark}` });
      const question = masked.messages.find((m: { role: string }) => m.role === "user");
      expect(question).toMatchObject({ content: `reach me: ${mark}` });
      const reply = masked.messages.find((m: { content: string }) => m.content === `Noted ${mark}`);
      expect(reply?.metadata).toMatchObject({ note: mark });
      const lookup = masked.observations.find((o: { name: string }) => o.name === "lookup");
      expect(lookup).toMatchObject({ arguments: { contact: mark }, result: { found: mark }, error: `no order for ${mark}` });
    }
    await t.db.rpc("configure_privacy", { p_pii_masking: "off" });
    // masking is on the way out: the stored question keeps its text with export
    const [stored] = await t.sql<{ content: string }>(
      "select m.content from conversation_messages m join llm_traces t on t.session_id = m.session_id where t.id = $1 and m.role = 'user' order by m.seq limit 1",
      [traceId],
    );
    expect(stored.content).toBe(`reach me: ${raw}`);
  });
});
