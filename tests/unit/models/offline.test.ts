import { countTokens as tokenizerCount } from "gpt-tokenizer";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentPlan, StoredMessage } from "../../../lib/chat/types";
import { chunkText, createOfflineModel, parseDelayMs } from "../../../lib/models/offline";
import { modelFromEnv } from "../../../lib/models/registry";
import { countTokens, promptMessages } from "../../../lib/models/tokens";

const plan: AgentPlan = {
  system: "You are Threadline's Product Recommendation agent.",
  toolOutputs: { catalog_search: { query: "headlamp", products: [] } },
  draft: "Here's a match for \"headlamp\":\n1. Beacon Headlamp (lighting) — $49.00: Rechargeable 400-lumen headlamp.\n\nTap one for details.",
  buttons: [],
};

function message(seq: number, role: StoredMessage["role"], content: string): StoredMessage {
  return { id: `m${seq}`, seq, role, content, metadata: {}, createdAt: "2026-01-01T00:00:00Z" };
}
const history = [message(1, "user", "hi"), message(2, "agent", "Hello! What do you need?"), message(3, "user", "a headlamp")];

async function collect(text: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of text) chunks.push(chunk);
  return chunks;
}

afterEach(() => {
  delete process.env.OFFLINE_MODEL_DELAY_MS;
});

describe("offline model", () => {
  it("streams the draft in small word groups that join back to it exactly", async () => {
    const stream = createOfflineModel().generate({ plan, history, message: "a headlamp" });
    const chunks = await collect(stream.text);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join("")).toBe(plan.draft);
    for (const chunk of chunks) expect(chunk.trim().split(/\s+/).length).toBeLessThanOrEqual(3);
  });

  it("is deterministic", async () => {
    const model = createOfflineModel();
    const a = await collect(model.generate({ plan, history, message: "a headlamp" }).text);
    const b = await collect(model.generate({ plan, history, message: "a headlamp" }).text);
    expect(a).toEqual(b);
  });

  it("counts tokens with gpt-tokenizer: system + history (+ message when not already last) in, output out", async () => {
    const stream = createOfflineModel().generate({ plan, history, message: "a headlamp" });
    await collect(stream.text);
    const expectedIn = [plan.system, ...history.map((m) => m.content)].reduce((n, t) => n + tokenizerCount(t), 0);
    expect(await stream.usage()).toEqual({ inputTokens: expectedIn, outputTokens: tokenizerCount(plan.draft) });

    // a message that is not yet in the history is counted on top
    const fresh = createOfflineModel().generate({ plan, history: history.slice(0, 2), message: "a headlamp" });
    expect((await fresh.usage()).inputTokens).toBe(expectedIn);
  });

  it("usage() before reading consumes the stream", async () => {
    const stream = createOfflineModel().generate({ plan, history: [], message: "x" });
    expect((await stream.usage()).outputTokens).toBe(tokenizerCount(plan.draft));
  });

  it("stops yielding when the signal aborts, and counts only what was sent", async () => {
    const controller = new AbortController();
    const stream = createOfflineModel({ delayMs: 5 }).generate({ plan, history, message: "a headlamp", signal: controller.signal });
    const chunks: string[] = [];
    for await (const chunk of stream.text) {
      chunks.push(chunk);
      if (chunks.length === 2) controller.abort();
    }
    expect(chunks).toHaveLength(2);
    expect((await stream.usage()).outputTokens).toBe(tokenizerCount(chunks.join("")));
  });

  it("honours OFFLINE_MODEL_DELAY_MS so streaming is observable", async () => {
    process.env.OFFLINE_MODEL_DELAY_MS = "15";
    const stream = modelFromEnv({}).generate({ plan: { ...plan, draft: "one two three four five six seven" }, history: [], message: "x" });
    const times: number[] = [];
    for await (const _chunk of stream.text) times.push(performance.now());
    expect(times).toHaveLength(3);
    expect(times[2] - times[0]).toBeGreaterThanOrEqual(25);
    expect(parseDelayMs("")).toBe(0);
    expect(parseDelayMs("abc")).toBe(0);
    expect(parseDelayMs("-5")).toBe(0);
    expect(parseDelayMs("20")).toBe(20);
  });
});

describe("token helpers", () => {
  it("countTokens matches gpt-tokenizer and treats special-token text as plain text", () => {
    expect(countTokens("Hello, world")).toBe(tokenizerCount("Hello, world"));
    expect(countTokens("")).toBe(0);
    expect(countTokens("a <|endoftext|> b")).toBeGreaterThan(3);
  });

  it("chunkText keeps whitespace", () => {
    expect(chunkText("  a b\n\nc d  ", 2)).toEqual(["  a b\n\n", "c d  "]);
    expect(chunkText("", 3)).toEqual([]);
  });

  it("promptMessages does not repeat the current message", () => {
    expect(promptMessages(history, "a headlamp")).toHaveLength(3);
    expect(promptMessages(history, "something else")).toHaveLength(4);
  });
});

describe("modelFromEnv", () => {
  it("is offline when LLM_BASE_URL is unset or empty, else OpenAI-compatible", () => {
    expect(modelFromEnv({}).info).toEqual({ key: "offline", name: "Threadline Offline", provider: "offline" });
    expect(modelFromEnv({ LLM_BASE_URL: "", LLM_MODEL: "gpt-x" }).info.provider).toBe("offline");
    expect(modelFromEnv({ LLM_BASE_URL: "http://127.0.0.1:9/v1", LLM_MODEL: "qwen2.5" }).info).toEqual({
      key: "qwen2.5",
      name: "qwen2.5",
      provider: "openai_compatible",
    });
    expect(() => modelFromEnv({ LLM_BASE_URL: "http://127.0.0.1:9/v1" })).toThrow(/LLM_MODEL/);
  });
});
