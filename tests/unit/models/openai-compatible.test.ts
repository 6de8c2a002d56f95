import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runAgent } from "../../../lib/chat/agent-run";
import type { StoredMessage } from "../../../lib/chat/types";
import type { Database } from "../../../lib/db/types";
import { createOpenAICompatibleModel } from "../../../lib/models/openai-compatible";
import { BULK_ORDER_FLOW, setLine } from "../../../lib/orders/bulk-order";
import type { AgentDefinition } from "../../../lib/tools/types";
import { startOpenAIServer, type OpenAIServer } from "../../support/openai-server";

// The AI SDK tool loop end to end through @ai-sdk/openai-compatible, against the local
// stand-in (tests/support/openai-server.ts) streaming tool-call deltas on 127.0.0.1.
let llm: OpenAIServer;
beforeAll(async () => {
  llm = await startOpenAIServer();
});
afterAll(() => llm.close());
beforeEach(() => {
  Object.assign(llm, { mode: "ok", brain: "script", toolCalls: [] });
  llm.requests.length = 0;
});

const noDatabase: Database = { backend: "pglite", rpc: ((fn: string) => Promise.reject(new Error(`db.rpc(${fn}) must not be called`))) as Database["rpc"], close: async () => {} };
const agent: AgentDefinition = {
  key: "order_assistant",
  name: "Order Assistant",
  description: "Bulk orders",
  instructions: "You are Threadline's Order Assistant.",
  tools: ["offer_choices", "set_contact_details", "confirm_order"],
  handoffs: [],
  version: 3,
};
const lamps = setLine(null, { item: "Beacon Headlamp", sku: "TRL-LAMP", quantity: 25, priceCents: 4900, pickupLocation: "Store C", special: false });
const history: StoredMessage[] = [
  { id: "1", seq: 1, role: "user", content: "hi", metadata: {}, createdAt: "" },
  { id: "2", seq: 2, role: "agent", content: "Hello!", metadata: {}, createdAt: "" },
  { id: "3", seq: 3, role: "system", content: "session restored", metadata: {}, createdAt: "" },
  { id: "4", seq: 4, role: "user", content: "I'm Ana, ana@example.com", metadata: {}, createdAt: "" },
];

const run = (signal?: AbortSignal) => {
  let streamed = "";
  return runAgent({
    db: noDatabase,
    model: createOpenAICompatibleModel({ baseURL: llm.baseURL, apiKey: "test-key", model: "tiny-model", maxRetries: 0 }),
    agent,
    handoffTargets: [],
    sessionId: "7a1d9b52-3c4e-4f60-8a9b-0c1d2e3f4a5b",
    history,
    message: "I'm Ana, ana@example.com",
    action: null,
    flows: { [BULK_ORDER_FLOW]: lamps as never },
    signal,
    onText: (d) => (streamed += d),
  }).then((r) => ({ ...r, streamed }));
};

describe("the tool loop through an OpenAI-compatible provider", () => {
  it("streamed tool-call deltas run the tool; the next request carries its result; the words are the reply", async () => {
    llm.toolCalls = [
      { name: "set_contact_details", arguments: { name: "Ana", email: "ana@example.com" } },
      { name: "offer_choices", arguments: { choices: [{ label: "Yes", action: { id: "confirm_order" } }] } },
    ];
    const r = await run();
    expect(r.error).toBeNull();
    expect(r.content).toBe(llm.words.join(""));
    expect(r.streamed).toBe(r.content);
    expect(r.observations.map((o) => `${o.kind}:${o.name}`)).toEqual([
      "generation:order_assistant", "tool:set_contact_details", "tool:offer_choices", "generation:order_assistant",
    ]);
    expect(r.observations[0]).toMatchObject({ model: "tiny-model", input_tokens: 321, output_tokens: 9, finish_reason: "tool-calls" });
    expect(r.observations[1]).toMatchObject({ arguments: { name: "Ana", email: "ana@example.com" }, status: "ok", tool_call_id: "call_1" });
    expect(r.buttons).toEqual([{ label: "Yes", action: { id: "confirm_order" } }]);
    expect(r.flows[BULK_ORDER_FLOW]).toMatchObject({ name: "Ana", email: "ana@example.com", status: "collecting" });

    expect(llm.requests).toHaveLength(2);
    const [first, second] = llm.requests.map((q) => q.body);
    expect(first.auth ?? llm.requests[0].auth).toBe("Bearer test-key");
    expect((first.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(agent.tools);
    const messages = first.messages as { role: string; content: string }[];
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[0].content).toContain(agent.instructions);
    const followUp = second.messages as { role: string; tool_call_id?: string; content: string }[];
    expect(followUp.filter((m) => m.role === "tool").map((m) => m.tool_call_id)).toEqual(["call_1", "call_2"]);
    expect(JSON.parse(followUp.find((m) => m.tool_call_id === "call_1")!.content)).toMatchObject({ status: "collecting", missing: ["phone"] });
  });

  it("a tool the model calls badly is an error observation and the model goes on", async () => {
    llm.toolCalls = [{ name: "confirm_order", arguments: {} }];
    const r = await run();
    expect(r.observations[1]).toMatchObject({ kind: "tool", name: "confirm_order", status: "error", error: expect.stringMatching(/still needs/) });
    expect(r.content).toBe(llm.words.join(""));
  });

  it("with the offline rules as the stand-in's brain, the same decisions come over the wire", async () => {
    llm.brain = "rules";
    const r = await run();
    expect(r.observations.map((o) => `${o.kind}:${o.name}`)).toEqual(["generation:order_assistant", "tool:set_contact_details", "generation:order_assistant"]);
    expect(r.content).toMatch(/To reserve it I need a phone number/);
  });

  it("a failing provider is the run's error, recorded as a failed generation", async () => {
    llm.mode = "error";
    const r = await run();
    expect(r.error?.message).toBeTruthy();
    expect(r.observations).toEqual([expect.objectContaining({ kind: "generation", status: "error", finish_reason: "error" })]);
  });

  it("reads cached input tokens from the provider's usage", async () => {
    llm.usage = { prompt_tokens: 400, completion_tokens: 5, total_tokens: 405, prompt_tokens_details: { cached_tokens: 300 } };
    const r = await run();
    expect(r.observations[0]).toMatchObject({ input_tokens: 400, cached_input_tokens: 300 });
    llm.usage = { prompt_tokens: 321, completion_tokens: 9, total_tokens: 330 };
  });
});
