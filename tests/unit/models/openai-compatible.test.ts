import { countTokens as tokenizerCount } from "gpt-tokenizer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AgentPlan, StoredMessage } from "../../../lib/chat/types";
import { createOpenAICompatibleModel, systemWithFacts } from "../../../lib/models/openai-compatible";
import { modelFromEnv } from "../../../lib/models/registry";
import { startOpenAIServer, type OpenAIServer } from "../../support/openai-server";

// The local OpenAI-compatible stand-in (tests/support/openai-server.ts) on 127.0.0.1.
let llm: OpenAIServer;
let baseURL: string;
let words: string[];

beforeAll(async () => {
  llm = await startOpenAIServer();
  baseURL = llm.baseURL;
  words = llm.words;
});
afterAll(() => llm.close());
beforeEach(() => {
  llm.mode = "ok";
  llm.requests.length = 0;
});

const plan: AgentPlan = {
  system: "You are Threadline's Sales Pitch agent.",
  toolOutputs: { pitch: { sku: "TRL-LAMP", name: "Beacon Headlamp" } },
  draft: "Meet the Beacon Headlamp.",
  buttons: [{ label: "Order in bulk", action: { id: "select_agent", payload: { agent: "order_assistant" } } }],
};
const history: StoredMessage[] = [
  { id: "1", seq: 1, role: "user", content: "hi", metadata: {}, createdAt: "" },
  { id: "2", seq: 2, role: "agent", content: "Hello!", metadata: {}, createdAt: "" },
  { id: "3", seq: 3, role: "system", content: "session restored", metadata: {}, createdAt: "" },
  { id: "4", seq: 4, role: "user", content: "pitch the headlamp", metadata: {}, createdAt: "" },
];

function model(maxRetries = 0) {
  return createOpenAICompatibleModel({ baseURL, apiKey: "test-key", model: "tiny-model", maxRetries });
}

async function read(text: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const t of text) out += t;
  return out;
}

describe("OpenAI-compatible model", () => {
  it("streams the text and reads usage from the server", async () => {
    const stream = model().generate({ plan, history, message: "pitch the headlamp" });
    const deltas: string[] = [];
    for await (const t of stream.text) deltas.push(t);
    expect(deltas.join("")).toBe(words.join(""));
    expect(deltas.length).toBeGreaterThan(1);
    expect(await stream.usage()).toEqual({ inputTokens: 321, outputTokens: 9 });

    const [request] = llm.requests;
    expect(request.auth).toBe("Bearer test-key");
    expect(request.body).toMatchObject({ model: "tiny-model", stream: true });
    const messages = request.body.messages as Array<{ role: string; content: string }>;
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[0].content).toBe(systemWithFacts(plan));
    expect(messages[0].content).toContain('"sku":"TRL-LAMP"');
    expect(messages[0].content).toContain("Meet the Beacon Headlamp.");
    expect(messages[3].content).toBe("pitch the headlamp");
  });

  it("counts tokens with gpt-tokenizer when the server reports no usage", async () => {
    llm.mode = "no_usage";
    const stream = model().generate({ plan, history, message: "pitch the headlamp" });
    const text = await read(stream.text);
    const system = systemWithFacts(plan);
    const inTokens = [system, "hi", "Hello!", "pitch the headlamp"].reduce((n, t) => n + tokenizerCount(t), 0);
    expect(await stream.usage()).toEqual({ inputTokens: inTokens, outputTokens: tokenizerCount(text) });
  });

  it("surfaces an HTTP error from the text stream and from usage()", async () => {
    llm.mode = "unauthorized";
    const stream = model().generate({ plan, history, message: "pitch the headlamp" });
    await expect(read(stream.text)).rejects.toThrow(/Invalid API key/);
    await expect(stream.usage()).rejects.toThrow(/Invalid API key/);
  });

  it("usage() alone also surfaces the error", async () => {
    llm.mode = "unauthorized";
    await expect(model().generate({ plan, history, message: "x" }).usage()).rejects.toThrow(/Invalid API key/);
  });

  it("surfaces a connection cut mid-stream", async () => {
    llm.mode = "broken_stream";
    const stream = model().generate({ plan, history, message: "pitch the headlamp" });
    await expect(read(stream.text)).rejects.toThrow();
    await expect(stream.usage()).rejects.toThrow();
  });

  it("stops quietly when the signal aborts", async () => {
    llm.mode = "slow";
    const controller = new AbortController();
    const stream = model().generate({ plan, history, message: "pitch the headlamp", signal: controller.signal });
    let text = "";
    for await (const t of stream.text) {
      text += t;
      controller.abort();
    }
    expect(words.join("").startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(words.join("").length);
    expect((await stream.usage()).outputTokens).toBe(tokenizerCount(text));
  });

  it("is what modelFromEnv builds when LLM_BASE_URL is set", async () => {
    const m = modelFromEnv({ LLM_BASE_URL: `${baseURL}/`, LLM_API_KEY: "env-key", LLM_MODEL: "tiny-model" });
    expect(m.info).toEqual({ key: "tiny-model", name: "tiny-model", provider: "openai_compatible" });
    expect(await read(m.generate({ plan, history, message: "pitch the headlamp" }).text)).toBe(words.join(""));
    expect(llm.requests[0].auth).toBe("Bearer env-key");
  });
});
