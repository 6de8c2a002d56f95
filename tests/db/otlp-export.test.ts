import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { telemetryConfig } from "@/lib/telemetry/config";
import { createDrainer, type Drainer } from "@/lib/telemetry/drainer";
import { createExporter, telemetryResource } from "@/lib/telemetry/exporter";
import { backends, type TestDatabase } from "../support/databases";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver";
import { finishObserved, storeHandoff } from "./observed-turn";
import { begin, visitor } from "./turn-helpers";
import type { Tables } from "@/lib/db/database.types";
import { expectLogs } from "../support/logs";

// OTLP export (docs/privacy.md): a turn committed by finish_turn becomes outbox rows,
// the drainer sends them through the official SDK exporters to a local OTLP/HTTP
// receiver, and deletes them only after a 2xx.

const protocols = ["http/json", "http/protobuf"] as const;
const cases = backends.flatMap((b) => protocols.map((protocol) => ({ ...b, protocol })));

async function outboxDepth(t: TestDatabase): Promise<number> {
  const [row] = await t.sql<{ n: string }>("select count(*) as n from public.otlp_outbox");
  return Number(row.n);
}

describe.each(cases)("OTLP export on $name over $protocol", ({ open, protocol }) => {
  let t: TestDatabase;
  let receiver: OtlpReceiver;
  let drainer: Drainer;
  const saved = { ...process.env };

  beforeAll(async () => {
    t = await open();
    receiver = await startOtlpReceiver();
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_HEADERS: "x-tenant=acme,authorization=Basic dGVzdDp0ZXN0",
      OTEL_EXPORTER_OTLP_TIMEOUT: "1500",
      OTEL_SERVICE_NAME: "threadline-test",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=test",
    });
    const config = telemetryConfig({ ...process.env, OTLP_RETRY_BASE_MS: "200", OTLP_RETRY_MAX_MS: "800", OTLP_OUTBOX_BATCH: "50" });
    expect(config).toMatchObject({ enabled: true, protocol });
    drainer = createDrainer(t.db, config, await createExporter(config.protocol), telemetryResource());
    await t.db.rpc("configure_privacy", { p_pii_masking: "export", p_otlp_enabled: true, p_capture_content: true });
  });
  afterAll(async () => {
    process.env = saved;
    await receiver?.stop();
    await t?.close();
  });

  it("queues nothing while export is off", async () => {
    await t.db.rpc("configure_privacy", { p_pii_masking: "export", p_otlp_enabled: false });
    const q = await begin(t.db, visitor(), { p_message: "hello" });
    await finishObserved(t, q.user_message.id, "hi", [{ kind: "generation", name: "offline", model: "offline", input_tokens: 3, output_tokens: 2 }]);
    expect(await outboxDepth(t)).toBe(0);
    await t.db.rpc("configure_privacy", { p_pii_masking: "export", p_otlp_enabled: true, p_capture_content: true });
  });

  it("exports a conversation with an agent switch as the documented spans, parents and attributes", async () => {
    const ana = visitor();
    const first = await begin(t.db, ana, { p_message: "I need a headlamp, mail me at ana@example.com" });
    const gen1 = randomUUID();
    await finishObserved(t, first.user_message.id, "The TL-200 headlamp fits. I wrote to ana@example.com.", [
      { id: gen1, kind: "generation", name: "offline", model: "offline", input_tokens: 120, output_tokens: 30, cached_input_tokens: 20, time_to_first_token_ms: 180, finish_reason: "tool-calls" },
      { parent_id: gen1, kind: "tool", name: "search_catalog", tool_call_id: "call_1", arguments: { query: "headlamp" }, result: { items: ["TL-200"] } },
      { kind: "generation", name: "offline", model: "offline", input_tokens: 200, output_tokens: 40, finish_reason: "stop" },
    ]);
    // the visitor picks another agent: a new session, the previous one ended with agent_switch
    const second = await begin(t.db, ana, {
      p_agent: "order_assistant",
      p_message: "25 headlamps, call +1 (555) 123-4567, card 4111 1111 1111 1111, pickup near 221B Baker Street",
    });
    expect(second.reason).toBe("agent_switch");
    await finishObserved(t, second.user_message.id, "Which name should the order carry?", [
      { kind: "generation", name: "offline", model: "offline", input_tokens: 300, output_tokens: 20, finish_reason: "tool-calls" },
      { kind: "tool", name: "set_contact_details", tool_call_id: "call_2", status: "error", arguments: { phone: "+1 (555) 123-4567" }, error: "phone +1 (555) 123-4567 rejected" },
    ]);
    await t.db.rpc("set_feedback", { p_session_id: second.session.id, p_rating: "positive", p_comment: "great, email me at ana@example.com", p_user_id: ana });
    expect(await outboxDepth(t)).toBe(3);

    const sentBefore = receiver.spans().length;
    const result = await drainer.drain();
    expect(result).toMatchObject({ sent: 3, retrying: 0 });
    expect(await outboxDepth(t)).toBe(0);

    const request = receiver.requests.at(-1)!;
    expect(request.contentType).toContain(protocol === "http/json" ? "application/json" : "application/x-protobuf");
    expect(request.path).toBe("/v1/traces");
    expect(request.headers["x-tenant"]).toBe("acme");
    const spans = receiver.spans().slice(sentBefore);
    expect(spans).toHaveLength(4 + 3 + 1);
    const byName = (name: string) => spans.filter((s) => s.name === name);

    // turn 1: invoke_agent root, chat children, the tool under the generation that called it
    const [root1] = byName("invoke_agent Product Recommendation");
    expect(root1.parentSpanId).toBe("");
    expect(root1.scope).toBe("threadline");
    expect(root1.resource).toMatchObject({ "service.name": "threadline-test", "deployment.environment": "test" });
    expect(root1.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.provider.name": "offline",
      "gen_ai.agent.id": "product_recommendation",
      "gen_ai.agent.name": "Product Recommendation",
      "gen_ai.agent.version": "1",
      "gen_ai.conversation.id": first.session.id,
      "session.id": first.session.id,
      "user.id": ana,
      "threadline.session.tag": first.session.session_tag,
      "langfuse.session.id": first.session.id,
      "langfuse.trace.tags": [first.session.session_tag, "product_recommendation", "agent_version:1"],
      "gen_ai.usage.input_tokens": 320,
      "gen_ai.usage.output_tokens": 70,
    });
    expect(root1.attributes["session.previous_id"]).toBeUndefined();
    expect(root1.attributes["error.type"]).toBeUndefined();
    const turn1 = spans.filter((s) => s.traceId === root1.traceId);
    expect(turn1.map((s) => s.name).sort()).toEqual(["chat offline", "chat offline", "execute_tool search_catalog", "invoke_agent Product Recommendation"]);
    const chats = turn1.filter((s) => s.name === "chat offline");
    expect(chats.every((s) => s.parentSpanId === root1.spanId)).toBe(true);
    const firstChat = chats.find((s) => s.attributes["gen_ai.usage.input_tokens"] === 120)!;
    expect(firstChat.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "offline",
      "gen_ai.response.finish_reasons": ["tool-calls"],
      "gen_ai.usage.output_tokens": 30,
      "gen_ai.usage.cache_read.input_tokens": 20,
      "gen_ai.response.time_to_first_chunk": 0.18,
    });
    expect(firstChat.kind).toBe(3); // SPAN_KIND_CLIENT
    const [tool1] = byName("execute_tool search_catalog");
    expect(tool1.parentSpanId).toBe(firstChat.spanId);
    expect(tool1.attributes).toMatchObject({ "gen_ai.tool.name": "search_catalog", "gen_ai.tool.call.id": "call_1", "gen_ai.operation.name": "execute_tool" });
    expect(JSON.parse(String(tool1.attributes["gen_ai.tool.call.arguments"]))).toEqual({ query: "headlamp" });
    // content is captured (OTEL_GENAI_CAPTURE_CONTENT) and masked (PII_MASKING=export)
    expect(String(root1.attributes["gen_ai.input.messages"])).toContain("mail me at [email]");
    expect(String(root1.attributes["gen_ai.output.messages"])).toContain("I wrote to [email].");
    expect(root1.startNanos <= firstChat.startNanos && root1.endNanos >= firstChat.endNanos).toBe(true);

    // turn 2: the switched-to agent, with the previous session and the failed tool call
    const [root2] = byName("invoke_agent Order Assistant");
    expect(root2.traceId).not.toBe(root1.traceId);
    expect(root2.attributes).toMatchObject({
      "gen_ai.conversation.id": second.session.id,
      "session.previous_id": first.session.id,
      "gen_ai.agent.id": "order_assistant",
      "error.type": "tool_error",
    });
    expect(root2.status.code).toBe(2); // STATUS_CODE_ERROR
    expect(String(root2.attributes["gen_ai.input.messages"])).toContain("25 headlamps, call [phone], card [card], pickup near [address]");
    const [tool2] = byName("execute_tool set_contact_details");
    expect(tool2.parentSpanId).toBe(root2.spanId);
    expect(tool2.status).toEqual({ code: 2, message: "phone [phone] rejected" });
    expect(JSON.parse(String(tool2.attributes["gen_ai.tool.call.arguments"]))).toEqual({ phone: "[phone]" });

    // the visitor's rating is their helpful score: a gen_ai.evaluation.result grouped with the session
    const [evaluation] = byName("evaluation helpful");
    expect(evaluation.attributes).toMatchObject({ "gen_ai.conversation.id": second.session.id, "session.id": second.session.id, "threadline.score.source": "visitor" });
    expect(evaluation.events).toEqual([
      {
        name: "gen_ai.evaluation.result",
        attributes: {
          "gen_ai.evaluation.name": "helpful",
          "gen_ai.evaluation.score.label": "true",
          "gen_ai.evaluation.score.value": 1,
          "gen_ai.evaluation.explanation": "great, email me at [email]",
          "threadline.score.source": "visitor",
          "threadline.score.author": ana,
        },
      },
    ]);
    // nothing the visitor typed leaves unmasked
    const everything = JSON.stringify(spans, (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(everything).not.toContain("ana@example.com");
    expect(everything).not.toContain("123-4567");
    // the random hex ids (trace and span ids, uuids) left out: "4111" turns up in them about one run in a hundred
    const words = JSON.stringify(spans, (k, v) => (["traceId", "spanId", "parentSpanId"].includes(k) ? undefined : typeof v === "bigint" ? String(v) : v))
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<id>");
    expect(words).toContain("[card]");
    expect(words).not.toContain("4111");
    expect(everything).not.toContain("Baker");
    if (protocol === "http/json" && process.env.OTLP_SAMPLE_OUT) {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(process.env.OTLP_SAMPLE_OUT, JSON.stringify(request.json, null, 2));
    }
  });

  it("exports a handoff inside one turn as two turns, the second in the new session with session.previous_id", async () => {
    const bo = visitor();
    const q = await begin(t.db, bo, { p_message: "I want 40 sleeping bags" });
    const old = q.session.id;
    await storeHandoff(t, q.user_message.id, { replyGeneration: true });
    const before = receiver.spans().length;
    expect(await drainer.drain()).toMatchObject({ sent: 2 });
    const spans = receiver.spans().slice(before);
    const [from] = spans.filter((s) => s.name === "invoke_agent Product Recommendation");
    const [to] = spans.filter((s) => s.name === "invoke_agent Order Assistant");
    expect(spans.find((s) => s.name === "execute_tool handoff")?.parentSpanId).toBe(from.spanId);
    expect(from.attributes["session.id"]).toBe(old);
    expect(to.attributes["session.previous_id"]).toBe(old);
    expect(to.attributes["session.id"]).not.toBe(old);
    expect(to.attributes["gen_ai.usage.input_tokens"]).toBe(70);
    expect(spans.find((s) => s.name === "chat offline")?.parentSpanId).toBe(to.spanId);
    expect(String(to.attributes["gen_ai.input.messages"])).toContain("I want 40 sleeping bags");
  });

  it("exports a failed turn with its error, and its successful retry without the failed attempt's steps", async () => {
    const q = await begin(t.db, visitor(), { p_message: "are you there?" });
    // the model fails: finish_turn records the error and the failed generation, no reply
    await t.sql(
      `with obs as (
         insert into public.llm_observations (trace_id, session_id, user_id, message_id, position, kind, name, status, started_at, ended_at, duration_ms, model, error)
         select t.id, t.session_id, t.user_id, $1, 0, 'generation', 'offline', 'error', now(), now(), 0, 'offline', 'upstream 503'
           from public.llm_traces t where t.session_id = $2
         returning 1)
       select public.finish_turn(p_user_message_id => $1, p_error => 'upstream 503'), (select count(*) from obs)`,
      [q.user_message.id, q.session.id],
    );
    await finishObserved(t, q.user_message.id, "yes!", [{ kind: "generation", name: "offline", model: "offline", input_tokens: 8, output_tokens: 2 }]);
    const before = receiver.spans().length;
    expect(await drainer.drain()).toMatchObject({ sent: 2 });
    const roots = receiver.spans().slice(before).filter((s) => !s.parentSpanId);
    expect(roots.map((r) => r.attributes["error.type"] ?? "ok").sort()).toEqual(["generation_error", "ok"]);
    const failed = roots.find((r) => r.attributes["error.type"])!;
    expect(failed.status).toEqual({ code: 2, message: "upstream 503" });
    const children = (root: (typeof roots)[number]) => receiver.spans().filter((s) => s.parentSpanId === root.spanId);
    expect(children(failed).map((c) => c.status.code)).toEqual([2]);
    expect(children(roots.find((r) => !r.attributes["error.type"])!).map((c) => c.status.code)).toEqual([0]);
  });

  it("leaves content out unless OTEL_GENAI_CAPTURE_CONTENT is on", async () => {
    await t.db.rpc("configure_privacy", { p_pii_masking: "off", p_otlp_enabled: true, p_capture_content: false });
    const q = await begin(t.db, visitor(), { p_message: "secret plans" });
    await finishObserved(t, q.user_message.id, "noted", [
      { kind: "tool", name: "search_catalog", tool_call_id: "c", arguments: { query: "secret plans" }, result: { items: [] } },
    ]);
    const before = receiver.spans().length;
    await drainer.drain();
    const spans = receiver.spans().slice(before);
    expect(spans.map((s) => s.name).sort()).toEqual(["execute_tool search_catalog", "invoke_agent Product Recommendation"]);
    expect(JSON.stringify(spans, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain("secret plans");
    await t.db.rpc("configure_privacy", { p_pii_masking: "export", p_otlp_enabled: true, p_capture_content: true });
  });

  it("keeps every turn while the collector is down and sends each span exactly once when it is back", async () => {
    const logs = expectLogs();
    await receiver.stop();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const q = await begin(t.db, visitor(), { p_message: `turn ${i}` });
      await finishObserved(t, q.user_message.id, `reply ${i}`, [{ kind: "generation", name: "offline", model: "offline", input_tokens: 10, output_tokens: 5 }]);
      ids.push(q.session.id);
    }
    const before = receiver.spans().length;
    // two app instances drain at once while the collector is down: every attempt fails, nothing is lost
    let failures = 0;
    for (let i = 0; i < 4; i++) {
      const [a, b] = await Promise.all([drainer.drainOnce(), drainer.drainOnce()]);
      failures += a.retrying + b.retrying;
      expect(a.sent + b.sent).toBe(0);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(failures).toBeGreaterThan(0);
    // each failed attempt is one warning, taken here rather than printed
    expect(logs.events().filter((e) => e === "warn:telemetry.export_failed").length).toBeGreaterThan(0);
    // and the queue's own note that the rows wait for their retry
    expect(logs.events().every((e) => e === "warn:telemetry.export_failed" || e === "warn:queue.retrying" || e.startsWith("info:"))).toBe(true);
    expect(await outboxDepth(t)).toBe(4);
    const [status] = await t.sql<{ s: { depth: number; retrying: number } }>("select public.otlp_outbox_status() as s");
    expect(status.s).toMatchObject({ depth: 4, retrying: 4 });

    await receiver.start();
    for (let i = 0; i < 60 && (await outboxDepth(t)) > 0; i++) {
      await Promise.all([drainer.drain(), drainer.drain()]);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await outboxDepth(t)).toBe(0);
    const spans: ReceivedSpan[] = receiver.spans().slice(before);
    const keys = spans.map((s) => `${s.traceId}/${s.spanId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(spans).toHaveLength(8);
    expect(new Set(spans.filter((s) => !s.parentSpanId).map((s) => s.attributes["session.id"]))).toEqual(new Set(ids));
  });

  it("keeps the outbox under its cap, dropping the oldest rows and counting them", async () => {
    await t.db.rpc("configure_privacy", { p_pii_masking: "export", p_otlp_enabled: true, p_capture_content: false, p_outbox_cap: 2 });
    const sessions: string[] = [];
    for (let i = 0; i < 4; i++) {
      const q = await begin(t.db, visitor(), { p_message: `cap ${i}` });
      await finishObserved(t, q.user_message.id, "ok", []);
      sessions.push(q.session.id);
    }
    const rows = await t.sql<Pick<Tables<"otlp_outbox">, "session_id">>("select session_id from public.otlp_outbox order by id");
    expect(rows.map((r) => r.session_id)).toEqual(sessions.slice(2));
    const [status] = await t.sql<{ s: { depth: number; dropped: number; cap: number } }>("select public.otlp_outbox_status() as s");
    expect(status.s).toMatchObject({ depth: 2, dropped: 2, cap: 2 });
    await drainer.drain();
    await t.db.rpc("configure_privacy", { p_pii_masking: "export", p_otlp_enabled: true, p_capture_content: true });
  });
});
