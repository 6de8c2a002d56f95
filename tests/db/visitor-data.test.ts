import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, databaseFor, type TestDatabase } from "../support/databases";
import { finishObserved } from "./observed-turn";
import { begin, finish, rpcAs, visitor } from "./turn-helpers";
import type { Tables } from "@/lib/db/database.types";
import { addDatasetItem, createDataset } from "@/lib/datasets/datasets";
import { experimentDetail, startExperiment } from "@/lib/experiments/experiments";
import { experimentWorker } from "@/lib/experiments/worker";

// A visitor's data on request (docs/privacy.md): export_visitor returns everything
// stored about them; erase_visitor leaves none of their text or contact details in
// any table, while the traces keep their anonymous counters and tags.

const secrets = {
  email: "ana.lopez@example.com",
  phone: "+1 (555) 987-6543",
  name: "Ana Lopez-Quintero",
  question: "Do you carry waterproof headlamps for caving",
  comment: "Lovely help from the caving expert",
  card: "5500-0000-0000-0004",
  address: "42 Elm Street",
};

interface Export {
  user_id: string;
  masked: boolean;
  sessions: { id: string; agent_type: string }[];
  messages: { content: string; role: string }[];
  traces: { id: string; session_tag: string; feedback: string; feedback_comment: string | null }[];
  feedback: { rating: string; comment: string | null }[];
  observations: { name: string; arguments: unknown }[];
  flow_states: { flow: string; state: unknown }[];
  orders: { order: unknown }[];
  events: { event: string; reason: string }[];
}

/** Every text, varchar, json(b) and array column of every public table that mentions `needle`. */
async function whereFound(t: TestDatabase, needle: string): Promise<string[]> {
  const columns = await t.sql<{ table_name: string; column_name: string }>(
    `select c.table_name, c.column_name
       from information_schema.columns c
       join information_schema.tables x on x.table_schema = c.table_schema and x.table_name = c.table_name
      where c.table_schema = 'public' and x.table_type = 'BASE TABLE'
        and (c.data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY') )
      order by 1, 2`,
  );
  expect(columns.length).toBeGreaterThan(20);
  const found: string[] = [];
  for (const c of columns) {
    const [row] = await t.sql<{ n: string }>(
      `select count(*) as n from public."${c.table_name}" where "${c.column_name}"::text ilike '%' || $1 || '%'`,
      [needle],
    );
    if (Number(row.n) > 0) found.push(`${c.table_name}.${c.column_name}`);
  }
  return found;
}

describe.each(backends)("a visitor's data on $name", ({ open }) => {
  let t: TestDatabase;
  const ana = visitor();
  const bob = visitor();
  let sessions: string[] = [];

  beforeAll(async () => {
    t = await open();
    await t.db.rpc("configure_privacy", { p_pii_masking: "export", p_otlp_enabled: true, p_capture_content: true });
    // ana: a question, an agent switch to the order assistant, contact details in messages, tools and flow state
    const first = await begin(t.db, ana, { p_message: `${secrets.question}? I'm ${secrets.name}`, p_rate_limit: 100 });
    const gen = randomUUID();
    await finishObserved(t, first.user_message.id, `Yes, ${secrets.name}: the TL-200.`, [
      { id: gen, kind: "generation", name: "offline", model: "offline", input_tokens: 100, output_tokens: 20 },
      { parent_id: gen, kind: "tool", name: "search_catalog", tool_call_id: "c1", arguments: { query: secrets.question }, result: { items: ["TL-200"] } },
    ]);
    const second = await begin(t.db, ana, {
      p_agent: "order_assistant",
      p_message: `25 of them. Mail ${secrets.email} or call ${secrets.phone}. Card ${secrets.card}, I live at ${secrets.address}`,
    });
    await finishObserved(
      t,
      second.user_message.id,
      `Noted ${secrets.email}. Confirm?`,
      [
        { kind: "generation", name: "offline", model: "offline", input_tokens: 300, output_tokens: 40 },
        { kind: "tool", name: "set_contact_details", tool_call_id: "c2", arguments: { name: secrets.name, email: secrets.email, phone: secrets.phone }, result: { ok: true } },
        { kind: "tool", name: "confirm_order", tool_call_id: "c3", status: "error", error: `could not reach ${secrets.email}` },
      ],
      { bulk_order: { lines: [{ sku: "TL-200", qty: 25 }], contact: { name: secrets.name, email: secrets.email, phone: secrets.phone } } },
    );
    await t.db.rpc("set_feedback", { p_session_id: second.session.id, p_rating: "positive", p_comment: secrets.comment, p_user_id: ana });
    sessions = [first.session.id, second.session.id];
    // bob says the same kind of things and must keep all of it
    const b = await begin(t.db, bob, { p_message: "bob@example.org wants 12 tents" });
    await finishObserved(t, b.user_message.id, "Sure, Bob.", [{ kind: "generation", name: "offline", model: "offline", input_tokens: 50, output_tokens: 5 }]);
  });
  afterAll(() => t?.close());

  it("exports everything stored about the visitor, masked as configured", async () => {
    const raw = await t.db.rpc("export_visitor", { p_user_id: ana, p_mask: false });
    expect(raw.user_id).toBe(ana);
    expect(raw.masked).toBe(false);
    expect(raw.sessions.map((s) => s.id)).toEqual(sessions);
    expect(raw.messages).toHaveLength(4);
    expect(raw.messages[2].content).toContain(secrets.email);
    expect(raw.traces).toHaveLength(2);
    expect(raw.feedback).toEqual([expect.objectContaining({ rating: "positive", comment: secrets.comment })]);
    expect(raw.observations.map((o) => o.name).sort()).toEqual(["confirm_order", "offline", "offline", "search_catalog", "set_contact_details"]);
    expect(raw.flow_states).toHaveLength(1);
    expect(raw.orders).toEqual([expect.objectContaining({ order: expect.objectContaining({ contact: expect.objectContaining({ email: secrets.email }) }) })]);
    expect(raw.events.map((e) => e.event)).toEqual(expect.arrayContaining(["started", "ended", "switched"]));
    expect(JSON.stringify(raw)).not.toContain("bob@example.org");

    // PII_MASKING=export: the default export is masked
    const masked = await t.db.rpc("export_visitor", { p_user_id: ana });
    expect(masked.masked).toBe(true);
    const text = JSON.stringify(masked);
    for (const s of [secrets.email, secrets.phone, secrets.card, secrets.address]) expect(text).not.toContain(s);
    expect(masked.messages[2].content).toBe("25 of them. Mail [email] or call [phone]. Card [card], I live at [address]");
    expect(masked.observations.find((o) => o.name === "set_contact_details")?.arguments).toEqual({ name: secrets.name, email: "[email]", phone: "[phone]" });

    await expect(t.db.rpc("export_visitor", { p_user_id: visitor() })).rejects.toMatchObject({ code: "not_found:visitor" });
  });

  it("erases the visitor: none of their text, contact details or id remains anywhere; the counters still add up", async () => {
    const counters = `select s.id as session_id, t.session_tag, t.agent_type, t.llm_calls, t.input_tokens, t.output_tokens, t.total_tokens,
                             t.latency_ms, t.feedback, t.agent_version,
                             (select count(*) from public.llm_observations o where o.trace_id = t.id) as observations,
                             (select coalesce(sum(o.input_tokens), 0) from public.llm_observations o where o.trace_id = t.id) as observed_input
                        from public.conversation_sessions s join public.llm_traces t on t.session_id = s.id
                       where s.id = any ($1::uuid[]) order by s.started_at`;
    const before = await t.sql(counters, [sessions]);
    expect((await whereFound(t, secrets.email)).length).toBeGreaterThan(3);
    expect(await whereFound(t, ana)).toEqual(expect.arrayContaining(["otlp_outbox.user_id", "rate_limit_buckets.bucket"]));

    const result = await t.db.rpc("erase_visitor", {
      p_user_id: ana,
      p_requested_by: "operator",
    });
    expect(result.found).toBe(true);
    expect(result.opaque_id).toMatch(/^erased_[0-9a-f]{32}$/);
    expect(result.counts).toMatchObject({ sessions: 2, messages: 4, traces: 2, observations: 5, flow_states: 1 });

    for (const needle of [ana, secrets.email, secrets.phone, "987-6543", secrets.card, secrets.address, secrets.name, secrets.question, secrets.comment]) {
      expect({ needle, found: await whereFound(t, needle) }).toEqual({ needle, found: [] });
    }
    // the traces keep their anonymous counters and tags, re-keyed to the opaque id
    const after = await t.sql(counters, [sessions]);
    expect(after).toEqual(before);
    const traces = await t.sql<Pick<Tables<"llm_traces">, "user_id">>("select user_id from public.llm_traces where session_id = any ($1::uuid[])", [sessions]);
    expect(traces.map((x) => x.user_id)).toEqual([result.opaque_id, result.opaque_id]);
    const [active] = await t.sql<{ n: string }>("select count(*) as n from public.conversation_sessions where id = any ($1::uuid[]) and is_active", [sessions]);
    expect(Number(active.n)).toBe(0);
    // the erasure is recorded without personal data
    const erasures = await t.sql<{ opaque_id: string; requested_by: string; counts: Record<string, number> }>("select * from public.erasures");
    expect(erasures).toEqual([expect.objectContaining({ opaque_id: result.opaque_id, requested_by: "operator" })]);
    // bob keeps everything
    expect(await whereFound(t, "bob@example.org")).toEqual(expect.arrayContaining(["conversation_messages.content"]));
    // nothing is left to export, and a second erasure finds nothing
    await expect(t.db.rpc("export_visitor", { p_user_id: ana })).rejects.toMatchObject({ code: "not_found:visitor" });
    expect(await t.db.rpc("erase_visitor", { p_user_id: ana })).toMatchObject({ found: false });
    // the visitor id may start over: a new session, numbered from 1 again
    const again = await begin(t.db, ana, { p_message: "hello again" });
    expect(again.session.session_tag).toMatch(/_001$/);
  });
});

// Issue 23 item 9: a visitor whose only data is a voice transcription, and a WhatsApp sender with
// only a pending message, are found by export and erase, and nothing of them is left after.
describe.each(backends)("export and erasure beyond conversations on $name", ({ open }) => {
  const t = databaseFor(open);

  it("a visitor with only a voice transcription: exported, erased, the recording queued for deletion", async () => {
    const v = visitor();
    const file = `${randomUUID()}.webm`;
    const said = "ring me on +1 555 010 9999 about the caving trip";
    await t.db.rpc("register_voice_message", { p_user_id: v, p_client_message_id: randomUUID(), p_audio_url: `/api/audio/${file}`, p_transcript: said });
    const exported = await t.db.rpc("export_visitor", { p_user_id: v, p_mask: false });
    expect(exported).toMatchObject({ user_id: v, sessions: [], voice_messages: [{ audio_url: `/api/audio/${file}`, transcript: said }], whatsapp: null });
    const erased = await t.db.rpc("erase_visitor", { p_user_id: v, p_requested_by: "visitor" });
    expect(erased).toMatchObject({ found: true, counts: { voice_messages: 1, sessions: 0 } });
    expect(await whereFound(t, v)).toEqual([]);
    expect(await whereFound(t, "caving trip")).toEqual([]);
    expect(await t.sql("select name from audio_deletions where name = $1", [file])).toEqual([{ name: file }]);
    await expect(t.db.rpc("export_visitor", { p_user_id: v })).rejects.toMatchObject({ code: "not_found:visitor" });
  });

  it("a WhatsApp sender with only a pending message: exported and erased by number or id, the message dropped, not answered", async () => {
    const number = `1555${Math.floor(Math.random() * 1e8).toString().padStart(8, "0")}`;
    const id = `wamid.${randomUUID()}`;
    await t.db.rpc("whatsapp_receive", { p_messages: [{ id, from: number, message: { type: "text", text: "my secret plan for the glacier" } }] });
    const { user_id: user } = await t.db.rpc("whatsapp_visitor", { p_wa_id: number });
    for (const asked of [number, `+${number}`, user]) {
      const exported = await rpcAs<Export & { whatsapp: { wa_id: string; inbox: { message: { text: string } }[] } }>(
        t.db, "export_visitor", { p_user_id: asked, p_mask: false });
      expect(exported).toMatchObject({ user_id: user, sessions: [], whatsapp: { wa_id: number, inbox: [{ message: { text: "my secret plan for the glacier" } }] } });
    }
    const erased = await t.db.rpc("erase_visitor", { p_user_id: `+${number}`, p_requested_by: "operator" });
    expect(erased).toMatchObject({ found: true, counts: { whatsapp_inbox: 1, whatsapp_contacts: 1 } });
    for (const needle of [number, user, "glacier"]) expect({ needle, found: await whereFound(t, needle) }).toEqual({ needle, found: [] });
    // the worker finds nothing to answer
    expect(await t.db.rpc("queue_claim", { p_queue: "whatsapp_inbox", p_ids: [id] })).toEqual([]);
    await expect(t.db.rpc("export_visitor", { p_user_id: number })).rejects.toMatchObject({ code: "not_found:visitor" });
  });
});

// A dataset item made from a visitor's trace copies their words, an experiment replays them under a
// visitor of its own, and a judge's reasoning may quote them: the erasure takes all of it
// (docs/privacy.md, "A visitor's data").
describe.each(backends)("erasure of dataset items, their experiments and judges' reasoning on $name", ({ open }) => {
  const t = databaseFor(open);

  it("deletes the items made from the visitor's traces, the experiment items and replays of them, and the judge's words", async () => {
    await t.db.rpc("register_model", { p_key: "offline", p_name: "Threadline Offline", p_provider: "offline" });
    const dana = visitor();
    const words = { question: "Which kayak fits my cabin on Lake Wobegon", name: "Dana Quillfeather" };
    const begun = await begin(t.db, dana, { p_agent: "product_recommendation", p_message: `${words.question}? I'm ${words.name}` });
    await finishObserved(t, begun.user_message.id, `Hello ${words.name}, the TL-200 fits.`, [
      { kind: "generation", name: "offline", model: "offline", input_tokens: 100, output_tokens: 20 },
    ]);
    const traceId = begun.session.trace_id!;
    // a judge's grade on the visitor's trace, its reasoning quoting them (the step's result and the score's comment)
    const reasoning = `The reply answers "${words.question}".`;
    await t.db.rpc("record_evaluation", {
      p_trace_id: traceId, p_evaluator: "helpfulness_judge", p_value: "0.9", p_comment: reasoning,
      p_observation: { name: "judge:helpfulness_judge", model: "offline", input_tokens: 30, output_tokens: 10, result: { score: 0.9, reasoning } },
    });
    // "Add to dataset" on the visitor's message, and an item written by hand that stays
    await createDataset(t.db, { name: "kayaks" }, "admin");
    const item = await addDatasetItem(t.db, "kayaks", { traceId, messageId: begun.user_message.id, expectedOutput: `Hello ${words.name}` });
    const kept = await addDatasetItem(t.db, "kayaks", { input: { messages: [{ role: "user", content: "Do you sell paddles?" }] } });
    // an experiment replays both items: the replay's messages are the visitor's words again
    const { id } = await startExperiment(t.db, { dataset: "kayaks", agent: "product_recommendation", version: 1, evaluators: ["reply_under_chars"] }, "admin");
    expect(await experimentWorker(t.db).run()).toMatchObject({ done: 2, dead: 0 });
    const ran = await experimentDetail(t.db, id);
    expect(ran.items.map((x) => x.itemId).sort()).toEqual([item.id, kept.id].sort());
    const replay = ran.items.find((x) => x.itemId === item.id)!;
    expect(await whereFound(t, words.question)).toEqual(expect.arrayContaining([
      "conversation_messages.content", "dataset_items.messages", "llm_observations.result", "scores.comment"]));
    expect(await whereFound(t, words.name)).toEqual(expect.arrayContaining(["dataset_items.expected_output"]));

    const erased = await t.db.rpc("erase_visitor", { p_user_id: dana, p_requested_by: "operator" });
    expect(erased.counts).toMatchObject({ dataset_items: 1, experiment_items: 1, traces: 1 });
    for (const needle of [dana, words.question, words.name, "Wobegon", "Quillfeather"]) {
      expect({ needle, found: await whereFound(t, needle) }).toEqual({ needle, found: [] });
    }
    // the item made by hand and its replay stay; the run shows what is left, its totals from those items
    const after = await experimentDetail(t.db, id);
    expect(after.items.map((x) => x.itemId)).toEqual([kept.id]);
    expect(after.totals).toMatchObject({ items: 1 });
    // the replay's trace keeps its counters under an opaque id, its conversation gone
    const [rt] = await t.sql<{ user_id: string; channel: string; messages: number }>(
      "select t.user_id, t.channel, (select count(*)::int from conversation_messages m where m.session_id = t.session_id) as messages from llm_traces t where t.id = $1",
      [replay.traceId]);
    expect(rt).toEqual({ user_id: expect.stringMatching(/^erased_[0-9a-f]{32}$/), channel: "experiment", messages: 0 });
    // the judge's step and score keep their figures, not their words
    const [judge] = await t.sql<{ result: unknown; input_tokens: number }>(
      "select result, input_tokens from llm_observations where trace_id = $1 and name = 'judge:helpfulness_judge'", [traceId]);
    expect(judge).toEqual({ result: null, input_tokens: 30 });
    const [score] = await t.sql<{ value: string; comment: string | null }>(
      "select value::text, comment from scores where trace_id = $1 and source = 'evaluator'", [traceId]);
    expect(score).toEqual({ value: "0.9", comment: null });
  });
});

// Issue 23 item 10: a WhatsApp visitor's number stays in the channel's own tables; traces, spans,
// the explorer and the export carry a keyed hash of it.
describe.each(backends)("a WhatsApp visitor's number on $name", ({ open }) => {
  const t = databaseFor(open);

  it("with PII_MASKING=export no trace, span, explorer answer or export carries the number", async () => {
    await t.db.rpc("configure_privacy", { p_pii_masking: "export", p_otlp_enabled: true, p_capture_content: true });
    const number = `1555${Math.floor(Math.random() * 1e8).toString().padStart(8, "0")}`;
    const id = `wamid.${randomUUID()}`;
    await t.db.rpc("whatsapp_receive", { p_messages: [{ id, from: number, message: { type: "text", text: "25 headlamps please" } }] });
    const { user_id: user } = await t.db.rpc("whatsapp_visitor", { p_wa_id: number });
    expect(user).toMatch(/^wa_[0-9a-f]{32}$/);
    expect((await t.db.rpc("whatsapp_visitor", { p_wa_id: number })).user_id).toBe(user); // stable
    const turn = await begin(t.db, user, { p_message: "25 headlamps please", p_channel: "whatsapp", p_client_message_id: randomUUID() });
    await finishObserved(t, turn.user_message.id, "Sure.", [{ kind: "generation", name: "offline", model: "offline", input_tokens: 10, output_tokens: 2 }]);
    await t.db.rpc("set_feedback", { p_session_id: turn.session.id, p_rating: "positive", p_user_id: user });
    await t.db.rpc("queue_complete", { p_queue: "whatsapp_inbox", p_ids: [id] });

    // the number is only where replies need it: the inbox, the outbox and the contact row
    expect((await whereFound(t, number)).sort()).toEqual(["whatsapp_contacts.wa_id", "whatsapp_inbox.wa_id", "whatsapp_outbox.wa_id"]);
    const spans = await t.sql<{ payload: unknown; user_id: string }>("select payload, user_id from otlp_outbox where session_id = $1", [turn.session.id]);
    expect(spans.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(spans)).not.toContain(number);
    // the rows name the turn and the score; what the drainer reads for them carries the hash
    expect(spans.every((s) => s.user_id === user)).toBe(true);
    const score = spans.map((s) => s.payload as { score_id?: string }).find((p) => p.score_id)!;
    const read = JSON.stringify(await t.db.rpc("otlp_score", { p_score_id: score.score_id! }));
    expect(read).toContain(`"user_id": "${user}"`.replace(": ", ":"));
    expect(read).not.toContain(number);
    const list = await rpcAs<unknown>(t.db, "search_traces", { p_channel: "whatsapp", p_limit: 50 });
    expect(JSON.stringify(list)).toContain(user);
    expect(JSON.stringify(list)).not.toContain(number);
    const detail = await rpcAs<unknown>(t.db, "trace_detail", { p_trace_id: turn.session.trace_id });
    expect(JSON.stringify(detail)).not.toContain(number);
    const exported = await rpcAs<Export & { whatsapp: { wa_id: string } }>(t.db, "export_visitor", { p_user_id: number });
    expect(exported).toMatchObject({ user_id: user, masked: true, whatsapp: { wa_id: "[phone]" } });
    expect(JSON.stringify(exported)).not.toContain(number);
    await t.db.rpc("configure_privacy", { p_pii_masking: "off" });
  });

  it("WhatsApp visitors stored under their number before this release are re-keyed to the hash", async () => {
    const number = `1555${Math.floor(Math.random() * 1e8).toString().padStart(8, "0")}`;
    const old = await begin(t.db, number, { p_message: "hello", p_channel: "whatsapp", p_client_message_id: randomUUID() });
    await finish(t.db, old.user_message.id);
    await t.sql("select private.visitor_id_key()");
    const [{ user }] = await t.sql<{ user: string }>("select private.whatsapp_user_id($1) as user", [number]);
    await t.sql("select private.rekey_visitor($1, $2)", [number, user]);
    expect(await whereFound(t, number)).toEqual([]);
    const [s] = await t.sql<{ user_id: string }>("select user_id from conversation_sessions where id = $1", [old.session.id]);
    expect(s.user_id).toBe(user);
  });
});
