import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { APICallError, simulateReadableStream } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgent } from "@/lib/chat/agent-run";
import type { StoredMessage } from "@/lib/chat/types";
import type { Database } from "@/lib/db/types";
import { modelError } from "@/lib/models/errors";
import type { ChatModel } from "@/lib/models/types";
import type { AgentDefinition } from "@/lib/tools/types";
import { openPglite, type TestDatabase } from "../../support/databases";

// runAgent against the AI SDK's scripted model (MockLanguageModelV4): each model call streams the
// parts written here, so the failure and ordering paths the offline model never takes are run.

const agent: AgentDefinition = {
  key: "product_recommendation",
  name: "Product Recommendation",
  description: "Finds products",
  instructions: "You are Threadline's Product Recommendation agent.",
  tools: ["search_catalog", "offer_choices"],
  handoffs: [],
  version: 1,
};

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});
const finish = (reason: "stop" | "tool-calls", input = 100, output = 10): LanguageModelV4StreamPart => ({ type: "finish", finishReason: { unified: reason, raw: reason }, usage: usage(input, output) });
const text = (...deltas: string[]): LanguageModelV4StreamPart[] => [
  { type: "text-start", id: "t" },
  ...deltas.map((delta) => ({ type: "text-delta" as const, id: "t", delta })),
  { type: "text-end", id: "t" },
];
const call = (id: string, toolName: string, input: unknown): LanguageModelV4StreamPart => ({ type: "tool-call", toolCallId: id, toolName, input: JSON.stringify(input) });
const unavailable = (statusCode: number) =>
  new APICallError({ message: `provider answered ${statusCode}`, url: "https://llm.example/v1/chat/completions", requestBodyValues: {}, statusCode });

/** A model whose n-th call streams the n-th list of parts (or fails as `doStream` says). */
function scripted(...calls: (LanguageModelV4StreamPart[] | (() => never))[]): ChatModel {
  let n = 0;
  const languageModel = new MockLanguageModelV4({
    doStream: async () => {
      const next = calls[n++];
      if (typeof next === "function") next();
      return { stream: simulateReadableStream({ chunks: [{ type: "stream-start", warnings: [] }, ...(next as LanguageModelV4StreamPart[])], chunkDelayInMs: 1 }) };
    },
  });
  return { info: { key: "scripted", name: "Scripted", provider: "openai_compatible" }, languageModel, maxRetries: 0 };
}

const message = (content: string): StoredMessage => ({ id: "m1", seq: 1, role: "user", content, metadata: {}, createdAt: "2026-12-07T00:00:00Z" });

let t: TestDatabase;
beforeAll(async () => {
  t = await openPglite();
});
afterAll(async () => {
  await t?.close();
});

function run(model: ChatModel, options: { db?: Database; signal?: AbortSignal; onText?: (d: string) => void } = {}) {
  return runAgent({
    db: options.db ?? t.db,
    model,
    agent,
    handoffTargets: [],
    sessionId: "7a1d9b52-3c4e-4f60-8a9b-0c1d2e3f4a5b",
    history: [message("a warm sleeping bag")],
    message: "a warm sleeping bag",
    action: null,
    flows: {},
    signal: options.signal,
    onText: options.onText,
  });
}

describe("runAgent's failures (scripted model)", () => {
  it("the stream fails after some text: the text so far is kept, the failed generation recorded with its error; the answer is a model error", async () => {
    const r = await run(scripted([...text("Let me ", "look").slice(0, 3), { type: "error", error: unavailable(503) }]));
    expect(r.error?.message).toBe("provider answered 503");
    expect(r.content).toBe("Let me look");
    expect(r.observations).toHaveLength(1);
    expect(r.observations[0]).toMatchObject({ kind: "generation", status: "error", finish_reason: "error", error: "provider answered 503", model: "scripted" });
    expect(r.observations[0].time_to_first_token_ms).not.toBeNull();
    expect(modelError(r.error).code).toBe("unavailable:model");
  });

  it("the provider refuses the call before any part (401): one failed generation with estimated input, no output; a bad gateway", async () => {
    const r = await run(scripted(() => {
      throw unavailable(401);
    }));
    expect(r.error?.message).toBe("provider answered 401");
    expect(r.content).toBe("");
    expect(r.observations).toHaveLength(1);
    expect(r.observations[0]).toMatchObject({ kind: "generation", status: "error", finish_reason: "error", output_tokens: 0, time_to_first_token_ms: null });
    expect(r.observations[0].input_tokens).toBeGreaterThan(0);
    expect(r.usage.outputTokens).toBe(0);
    expect(modelError(r.error).code).toBe("bad_gateway:model");
  });

  it("a failure in the second step keeps the first step's generation, its tool call and the buttons it offered", async () => {
    const choices = { choices: [{ label: "Alpine Down Bag", action: { id: "product_details", payload: { sku: "TRL-BAG" } } }] };
    const r = await run(scripted([call("call_1", "offer_choices", choices), finish("tool-calls", 120, 8)], [{ type: "error", error: unavailable(500) }]));
    expect(r.error?.message).toBe("provider answered 500");
    expect(r.observations.map((o) => `${o.kind}:${o.name}:${o.status}`)).toEqual([
      "generation:product_recommendation:ok", "tool:offer_choices:ok", "generation:product_recommendation:error",
    ]);
    expect(r.observations[0]).toMatchObject({ finish_reason: "tool-calls", input_tokens: 120, output_tokens: 8 });
    expect(r.observations[1].parent_id).toBe(r.observations[0].id);
    expect(r.observations.map((o) => o.position)).toEqual([0, 1, 2]);
    expect(r.buttons.map((b) => b.label)).toEqual(["Alpine Down Bag"]);
  });

  it("a tool the agent does not have is recorded as the tool's error, and the run goes on", async () => {
    const r = await run(scripted([call("call_1", "confirm_order", {}), finish("tool-calls")], [...text("Here is what I found."), finish("stop")]));
    expect(r.error).toBeNull();
    expect(r.content).toBe("Here is what I found.");
    const tool = r.observations.find((o) => o.kind === "tool");
    expect(tool).toMatchObject({ name: "confirm_order", status: "error" });
  });
});

describe("runAgent's out-of-order paths (scripted model)", () => {
  // search_catalog reads the database, offer_choices answers at once: called together, the second
  // call's result comes back first
  const offer = { choices: [{ label: "Show bags", action: { id: "search_catalog", payload: { query: "bag" } } }] };
  const search = { query: `sleeping bag ${Date.now()}` };

  it.each([
    ["the slow call first", [call("call_a", "search_catalog", search), call("call_b", "offer_choices", offer)], ["search_catalog", "offer_choices"]],
    ["the fast call first", [call("call_a", "offer_choices", offer), call("call_b", "search_catalog", { query: `${search.query} again` })], ["offer_choices", "search_catalog"]],
  ] as const)("parallel tool calls keep the order the model called them in (%s), whichever finishes first", async (_what, calls, order) => {
    const r = await run(scripted([...calls, finish("tool-calls")], [...text("Here you go."), finish("stop")]));
    expect(r.error).toBeNull();
    const tools = r.observations.filter((o) => o.kind === "tool");
    expect(tools.map((o) => o.name)).toEqual(order);
    expect(tools.map((o) => o.tool_call_id)).toEqual(["call_a", "call_b"]);
    expect(r.observations.map((o) => o.kind)).toEqual(["generation", "tool", "tool", "generation"]);
    expect(r.observations.map((o) => o.position)).toEqual([0, 1, 2, 3]);
    // the catalog search (a database round trip) ended no earlier than the buttons
    const ended = Object.fromEntries(tools.map((o) => [o.name, Date.parse(o.ended_at)]));
    expect(ended.search_catalog).toBeGreaterThanOrEqual(ended.offer_choices);
  });

  it("text after a tool call in the same step is one reply, each step's text apart", async () => {
    const r = await run(scripted([...text("Searching"), call("call_1", "offer_choices", offer), finish("tool-calls")], [...text("Done."), finish("stop")]));
    expect(r.content).toBe("Searching\n\nDone.");
    expect(r.observations.map((o) => `${o.kind}:${o.finish_reason ?? ""}`)).toEqual(["generation:tool-calls", "tool:", "generation:stop"]);
  });

  it("an abort mid-stream keeps the text so far as a partial reply, its generation closed as aborted", async () => {
    const stop = new AbortController();
    const r = await run(scripted([...text("One ", "two ", "three ", "four"), finish("stop")]), {
      signal: stop.signal,
      onText: (d) => d === "two " && stop.abort(),
    });
    expect(r.partial).toBe(true);
    expect(r.error).toBeNull();
    expect(r.content.startsWith("One two ")).toBe(true);
    expect(r.content).not.toContain("four");
    expect(r.observations.at(-1)).toMatchObject({ kind: "generation", finish_reason: "aborted" });
  });
});
