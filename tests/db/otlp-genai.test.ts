import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgent } from "@/lib/chat/agent-run";
import { createOpenAICompatibleModel } from "@/lib/models/openai-compatible";
import type { AgentDefinition } from "@/lib/tools/types";
import { telemetryConfig } from "@/lib/telemetry/config";
import { createDrainer, type Drainer } from "@/lib/telemetry/drainer";
import { createExporter, telemetryResource } from "@/lib/telemetry/exporter";
import { backends, type TestDatabase } from "../support/databases";
import { decodeSpans, type WireSpan } from "../support/otlp-proto";
import { startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver";
import { answeredModel, startOpenAIServer, type OpenAIServer } from "../support/openai-server";
import { finishObserved, storeHandoff } from "./observed-turn";
import { begin, visitor } from "./turn-helpers";

// The spans the drainer builds in TypeScript (lib/telemetry/attributes.ts), decoded from the exported
// protobuf with the official opentelemetry-proto definitions and checked against the GenAI semantic
// conventions (docs/privacy.md, "OTLP export").

describe.each(backends)("GenAI spans on $name, decoded with the official .proto", ({ open }) => {
  let t: TestDatabase;
  let receiver: OtlpReceiver;
  let drainer: Drainer;
  let llm: OpenAIServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    t = await open();
    receiver = await startOtlpReceiver();
    llm = await startOpenAIServer();
    Object.assign(process.env, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" });
    const config = telemetryConfig(process.env);
    drainer = createDrainer(t.db, config, await createExporter(config.protocol), telemetryResource());
    await t.db.rpc("configure_privacy", { p_pii_masking: "export", p_otlp_enabled: true, p_capture_content: false });
  });
  afterAll(async () => {
    process.env = saved;
    await receiver?.stop();
    await llm?.close();
    await t?.close();
  });

  async function exported(): Promise<WireSpan[]> {
    const before = receiver.requests.length;
    await drainer.drain();
    const spans: WireSpan[] = [];
    for (const r of receiver.requests.slice(before)) spans.push(...(await decodeSpans(r.raw)));
    return spans;
  }

  it("names the agent, keeps microseconds, leaves estimates out of a failed call, and describes the transcription", async () => {
    const q = await begin(t.db, visitor(), { p_message: "a headlamp please" });
    const gen = randomUUID();
    const failed = randomUUID();
    const stt = randomUUID();
    await finishObserved(t, q.user_message.id, "The TL-200.", [
      { id: stt, kind: "transcription", name: "whisper-1" },
      { id: failed, kind: "generation", name: "offline", model: "offline", status: "error", error: "upstream 503", input_tokens: 90, output_tokens: 4 },
      { id: gen, kind: "generation", name: "offline", model: "offline", input_tokens: 120, output_tokens: 30, time_to_first_token_ms: 1000 },
    ]);
    // what the turn stored: microseconds, a cost of exactly 0 (the offline model is free)
    await t.sql(`update public.llm_observations set started_at = started_at + interval '123 microseconds',
                   ended_at = ended_at + interval '456 microseconds', cost_usd = case when kind = 'generation' then 0 end
                 where message_id = $1`, [q.user_message.id]);
    const spans = await exported();
    const root = spans.find((s) => !s.parentSpanId)!;
    expect(root.name).toBe("invoke_agent Product Recommendation");
    expect(root.attributes["gen_ai.agent.name"]).toEqual({ stringValue: "Product Recommendation" });
    expect(root.attributes["gen_ai.agent.id"]).toEqual({ stringValue: "product_recommendation" });
    expect(root.attributes["gen_ai.agent.description"]?.stringValue).toMatch(/products/);
    // only the successful call's usage counts
    expect(root.attributes["gen_ai.usage.input_tokens"]).toEqual({ intValue: "120" });

    const byId = (name: string) => spans.filter((s) => s.name === name);
    const [ok, bad] = [byId("chat offline").find((s) => s.status.code !== 2)!, byId("chat offline").find((s) => s.status.code === 2)!];
    // the provider's answered model is not recorded: the requested one is not passed off as it
    expect(ok.attributes["gen_ai.response.model"]).toBeUndefined();
    expect(ok.attributes["gen_ai.request.model"]).toEqual({ stringValue: "offline" });
    // doubles stay doubles on the wire, whole or zero (lib/telemetry/doubles.ts)
    expect(ok.attributes["gen_ai.response.time_to_first_chunk"]).toEqual({ doubleValue: 1 });
    expect(ok.attributes["gen_ai.usage.cost"]).toEqual({ doubleValue: 0 });
    for (const s of spans) for (const key of ["gen_ai.response.time_to_first_chunk", "gen_ai.usage.cost"]) expect(s.attributes[key]?.intValue).toBeUndefined();
    // integers stay integers
    expect(ok.attributes["gen_ai.usage.output_tokens"]).toEqual({ intValue: "30" });
    for (const key of ["gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.cost"]) expect(bad.attributes[key]).toBeUndefined();
    // sub-millisecond times survive (123 µs and 456 µs past the millisecond)
    expect(BigInt(ok.startTimeUnixNano) % 1_000_000n).toBe(123_000n);
    expect(BigInt(ok.endTimeUnixNano) % 1_000_000n).toBe(456_000n);
    const [transcription] = byId("transcription whisper-1");
    expect(transcription.attributes).toMatchObject({
      "gen_ai.operation.name": { stringValue: "transcription" },
      "gen_ai.request.model": { stringValue: "whisper-1" },
      "gen_ai.provider.name": { stringValue: "offline" },
    });
  });

  it("a turn the app ran through an OpenAI-compatible provider: the answered model, no span of exactly 0 ms, every child inside its parent", async () => {
    Object.assign(llm, { mode: "ok", brain: "script", words: ["The ", "TL-200 ", "it is."], toolCalls: [{ name: "search_catalog", arguments: { query: "headlamp" } }] });
    const q = await begin(t.db, visitor(), { p_message: "a headlamp please" });
    const run = await runAgent({
      db: t.db, model: createOpenAICompatibleModel({ baseURL: llm.baseURL, apiKey: "test-key", model: "tiny-model", maxRetries: 0 }),
      agent: q.agent as unknown as AgentDefinition, handoffTargets: [], sessionId: q.session.id, history: [],
      message: "a headlamp please", action: null, flows: {},
    });
    expect(run.error).toBeNull();
    await t.db.rpc("finish_turn", { p_user_message_id: q.user_message.id, p_content: run.content, p_observations: run.observations, p_latency_ms: 5 });
    const spans = await exported();
    expect(spans.map((s) => s.name).sort()).toEqual(["chat tiny-model", "chat tiny-model", "execute_tool search_catalog", "invoke_agent Product Recommendation"]);
    const times = (s: WireSpan) => ({ start: BigInt(s.startTimeUnixNano), end: BigInt(s.endTimeUnixNano) });
    for (const s of spans) {
      // high-resolution times: a step of a few microseconds is not rounded to nothing
      expect(times(s).end - times(s).start, `${s.name} lasts more than 0`).toBeGreaterThan(0n);
      if (!s.parentSpanId) continue;
      const parent = spans.find((p) => p.spanId === s.parentSpanId)!;
      expect(parent, `${s.name} has its parent in the export`).toBeDefined();
      expect(times(s).start >= times(parent).start && times(s).end <= times(parent).end, `${s.name} sits inside ${parent.name}`).toBe(true);
    }
    // the model asked for, and the one the provider answered with (a dated snapshot)
    for (const chat of spans.filter((s) => s.name === "chat tiny-model")) {
      expect(chat.attributes["gen_ai.request.model"]).toEqual({ stringValue: "tiny-model" });
      expect(chat.attributes["gen_ai.response.model"]).toEqual({ stringValue: answeredModel("tiny-model") });
    }
  });

  it("links a handoff's two traces", async () => {
    const q = await begin(t.db, visitor(), { p_message: "I want 40 sleeping bags" });
    await storeHandoff(t, q.user_message.id);
    const spans = await exported();
    const from = spans.find((s) => s.name === "invoke_agent Product Recommendation")!;
    const to = spans.find((s) => s.name === "invoke_agent Order Assistant")!;
    expect(to.traceId).not.toBe(from.traceId);
    expect(to.links).toEqual([{ traceId: from.traceId, spanId: from.spanId }]);
  });

  it("exports each score as a gen_ai.evaluation.result: the visitor's rating and an operator's score with comment, source and author", async () => {
    await t.db.rpc("configure_privacy", { p_pii_masking: "export", p_otlp_enabled: true, p_capture_content: true });
    const ana = visitor();
    const q = await begin(t.db, ana, { p_message: "is the tent waterproof?" });
    await finishObserved(t, q.user_message.id, "Yes, the TrailDome is.", []);
    await exported();
    await t.db.rpc("set_feedback", { p_session_id: q.session.id, p_rating: "positive", p_user_id: ana });
    await t.db.rpc("set_score", { p_trace_id: q.session.trace_id!, p_name: "helpful", p_value: "false", p_source: "operator", p_author: "op-lea", p_comment: "wrong size, mail lea@example.com" });
    // an edit before the export replaces the pending row: one result per score, its last value
    await t.db.rpc("set_feedback", { p_session_id: q.session.id, p_rating: "negative", p_user_id: ana });
    await t.db.rpc("set_feedback", { p_session_id: q.session.id, p_rating: "positive", p_user_id: ana });
    expect((await t.sql<{ n: number }>("select count(*)::int as n from otlp_outbox where kind = 'score' and session_id = $1", [q.session.id]))[0].n).toBe(2);
    const spans = (await exported()).filter((s) => s.name === "evaluation helpful");
    expect(spans).toHaveLength(2);
    const bySource = (source: string) => spans.find((s) => s.attributes["threadline.score.source"]?.stringValue === source)!;
    const [mine, op] = [bySource("visitor"), bySource("operator")];
    expect(mine.attributes).toMatchObject({
      "gen_ai.evaluation.name": { stringValue: "helpful" },
      "gen_ai.evaluation.score.value": { doubleValue: 1 },
      "gen_ai.evaluation.score.label": { stringValue: "true" },
      "threadline.score.author": { stringValue: ana },
      "gen_ai.conversation.id": { stringValue: q.session.id },
      "threadline.trace.id": { stringValue: q.session.trace_id },
    });
    expect(mine.attributes["gen_ai.evaluation.explanation"]).toBeUndefined();
    expect(op.events).toEqual([{
      name: "gen_ai.evaluation.result",
      attributes: {
        "gen_ai.evaluation.name": { stringValue: "helpful" },
        "gen_ai.evaluation.score.value": { doubleValue: 0 },
        "gen_ai.evaluation.score.label": { stringValue: "false" },
        // masked as every exported text (PII_MASKING=export)
        "gen_ai.evaluation.explanation": { stringValue: "wrong size, mail [email]" },
        "threadline.score.source": { stringValue: "operator" },
        "threadline.score.author": { stringValue: "op-lea" },
      },
    }]);
    expect(op.traceId).not.toBe(mine.traceId);
    // exactly once: nothing is left to send, and a later change is a new result
    expect(await exported()).toEqual([]);
    await t.db.rpc("set_score", { p_trace_id: q.session.trace_id!, p_name: "helpful", p_value: "true", p_source: "operator", p_author: "op-lea" });
    const again = (await exported()).filter((s) => s.name === "evaluation helpful");
    expect(again.map((s) => [s.attributes["threadline.score.source"]?.stringValue, s.attributes["gen_ai.evaluation.score.label"]?.stringValue])).toEqual([["operator", "true"]]);
    await t.db.rpc("configure_privacy", { p_pii_masking: "export", p_otlp_enabled: true, p_capture_content: false });
  });
});
