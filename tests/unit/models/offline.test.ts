import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { countTokens as tokenizerCount } from "gpt-tokenizer";
import { afterEach, describe, expect, it } from "vitest";
import { chunkText, createOfflineLanguageModel, parseDelayMs, readPrompt } from "../../../lib/models/offline";
import { decideStep, handoffTarget } from "../../../lib/models/offline-rules";
import { TURN_CONTEXT_LABEL } from "../../../lib/models/turn-context";
import { modelFromEnv } from "../../../lib/models/from-env";
import { countTokens, countTokensOnce } from "../../../lib/models/tokens";

// The offline model as the AI SDK calls it (LanguageModelV4 doStream / doGenerate).
const tool = (name: string, description = "") => ({ type: "function" as const, name, description, inputSchema: { type: "object" as const } });

function call(message: string, tools = [tool("search_catalog"), tool("product_details"), tool("offer_choices")], extra: Partial<LanguageModelV4CallOptions> = {}): LanguageModelV4CallOptions {
  return {
    prompt: [
      { role: "system", content: "You are Threadline's Product Recommendation agent." },
      { role: "user", content: [{ type: "text", text: message }] },
    ],
    tools,
    ...extra,
  };
}

async function parts(options: LanguageModelV4CallOptions, model = createOfflineLanguageModel()): Promise<LanguageModelV4StreamPart[]> {
  const { stream } = await model.doStream(options);
  const out: LanguageModelV4StreamPart[] = [];
  for await (const p of stream as unknown as AsyncIterable<LanguageModelV4StreamPart>) out.push(p);
  return out;
}

afterEach(() => {
  delete process.env.OFFLINE_MODEL_DELAY_MS;
});

describe("offline language model", () => {
  it("implements the v4 specification", () => {
    const m = createOfflineLanguageModel();
    expect(m.specificationVersion).toBe("v4");
    expect(m.modelId).toBe("offline");
  });

  it("calls search_catalog for a need, streamed as a tool call with finish reason tool-calls", async () => {
    const p = await parts(call("I need a light tent"));
    const toolCall = p.find((x) => x.type === "tool-call");
    expect(toolCall).toMatchObject({ toolName: "search_catalog", input: JSON.stringify({ query: "light tent", limit: 3 }) });
    expect(p.at(-1)).toMatchObject({ type: "finish", finishReason: { unified: "tool-calls" } });
  });

  it("after search results: offer_choices with one button per product, then text from the results", async () => {
    const products = [{ sku: "TRL-TENT-2", name: "Ridgeline 2-Person Tent", category: "camping", description: "A light tent. Two doors.", price_cents: 29900, tags: [], pickup_location: "Store A" }];
    const base = call("I need a light tent");
    const withResult = (calls: { name: string; input: unknown; output: unknown }[]): LanguageModelV4CallOptions => ({
      ...base,
      prompt: [
        ...base.prompt,
        ...calls.flatMap((c, i) => [
          { role: "assistant" as const, content: [{ type: "tool-call" as const, toolCallId: `c${i}`, toolName: c.name, input: c.input }] },
          { role: "tool" as const, content: [{ type: "tool-result" as const, toolCallId: `c${i}`, toolName: c.name, output: { type: "json" as const, value: c.output as never } }] },
        ]),
      ],
    });
    const search = { name: "search_catalog", input: { query: "light tent" }, output: { query: "light tent", products } };
    const second = await parts(withResult([search]));
    expect(second.find((x) => x.type === "tool-call")).toMatchObject({ toolName: "offer_choices" });
    const choices = JSON.parse((second.find((x) => x.type === "tool-call") as { input: string }).input);
    expect(choices.choices).toEqual([{ label: "Ridgeline 2-Person Tent", action: { id: "product_details", payload: { sku: "TRL-TENT-2" } } }]);

    const third = await parts(withResult([search, { name: "offer_choices", input: choices, output: { offered: ["Ridgeline 2-Person Tent"] } }]));
    const text = third.filter((x) => x.type === "text-delta").map((x) => (x as { delta: string }).delta).join("");
    expect(text).toContain("Ridgeline 2-Person Tent (camping) — $299.00");
    expect(third.at(-1)).toMatchObject({ type: "finish", finishReason: { unified: "stop" } });
  });

  it("a pressed button naming a tool calls it with the button's payload", async () => {
    const options = call("Ridgeline 2-Person Tent");
    options.prompt[0] = { role: "system", content: `You are X.\n\n${TURN_CONTEXT_LABEL}${JSON.stringify({ pressed_button: { id: "product_details", payload: { sku: "TRL-TENT-2" } } })}` };
    const p = await parts(options);
    expect(p.find((x) => x.type === "tool-call")).toMatchObject({ toolName: "product_details", input: JSON.stringify({ sku: "TRL-TENT-2" }) });
  });

  it("hands a bulk request to the agent whose description says orders, when it takes none itself", () => {
    const handoff = { name: "handoff", description: "Hand over. Agents:\n- sales_pitch: Sales Pitch — pitches\n- order_assistant: Order Assistant — Bulk orders (10+ units)" };
    const prompt = { system: "You are Y.", message: "Hi so i need to buy 11 remote controls", calls: [], tools: [handoff] };
    expect(handoffTarget(prompt, /\border/i)).toBe("order_assistant");
    expect(decideStep(prompt).toolCalls).toEqual([{ toolName: "handoff", input: { agent: "order_assistant", reason: "bulk order" } }]);
    expect(decideStep({ ...prompt, message: "I need 2 tents" }).toolCalls).toEqual([]);
  });

  it("an order agent turns the message into order tools: a line (special or not) and contact details", () => {
    const tools = ["set_order_line", "set_contact_details", "confirm_order", "cancel_order"].map((name) => ({ name, description: "" }));
    const step = decideStep({ system: "You are Z.", message: "Hi so i need to buy 11 remote controls", calls: [], tools });
    expect(step.toolCalls).toEqual([{ toolName: "set_order_line", input: { item: "remote controls", quantity: 11 } }]);
    const contact = decideStep({ system: "You are Z.", message: "ana@example.com and I'm Ana Lopez", calls: [], tools });
    expect(contact.toolCalls).toEqual([{ toolName: "set_contact_details", input: { name: "Ana Lopez", email: "ana@example.com" } }]);
  });

  it("greets when there is nothing to look up, and honours toolChoice none", async () => {
    const p = await parts(call("hello"));
    expect(p.some((x) => x.type === "tool-call")).toBe(false);
    const none = await parts(call("a tent", undefined, { toolChoice: { type: "none" } }));
    expect(none.some((x) => x.type === "tool-call")).toBe(false);
  });

  it("doGenerate gives the same decision as doStream; it is deterministic", async () => {
    const m = createOfflineLanguageModel();
    const a = await m.doGenerate(call("a warm jacket"));
    const b = await m.doGenerate(call("a warm jacket"));
    expect(a.content).toEqual(b.content);
    expect(a.content[0]).toMatchObject({ type: "tool-call", toolName: "search_catalog" });
  });

  it("counts tokens with gpt-tokenizer: the prompt's messages and tools in, the text and tool calls out", async () => {
    const options = call("hello");
    const p = await parts(options);
    const text = p.filter((x) => x.type === "text-delta").map((x) => (x as { delta: string }).delta).join("");
    const finish = p.at(-1) as { usage: { inputTokens: { total: number }; outputTokens: { total: number } } };
    const messages = options.prompt.reduce((n, m) => n + tokenizerCount(JSON.stringify(m)), 0);
    expect(finish.usage.inputTokens.total).toBe(messages + tokenizerCount(JSON.stringify(options.tools)));
    // counted again (remembered), the same figure
    const again = (await parts(options)).at(-1) as typeof finish;
    expect(again.usage.inputTokens.total).toBe(finish.usage.inputTokens.total);
    expect(finish.usage.outputTokens.total).toBe(tokenizerCount(text));
  });

  it("streams text in word groups and stops when the signal aborts", async () => {
    const controller = new AbortController();
    const model = createOfflineLanguageModel({ delayMs: 5 });
    const { stream } = await model.doStream({ ...call("hello"), abortSignal: controller.signal });
    const deltas: string[] = [];
    for await (const p of stream as unknown as AsyncIterable<LanguageModelV4StreamPart>) {
      if (p.type === "text-delta") deltas.push(p.delta);
      if (deltas.length === 2) controller.abort();
    }
    expect(deltas).toHaveLength(2);
  });

  it("honours OFFLINE_MODEL_DELAY_MS so streaming is observable", async () => {
    process.env.OFFLINE_MODEL_DELAY_MS = "15";
    const times: number[] = [];
    const { stream } = await modelFromEnv({}).languageModel.doStream(call("hello"));
    for await (const p of stream as unknown as AsyncIterable<LanguageModelV4StreamPart>) if (p.type === "text-delta") times.push(performance.now());
    expect(times.length).toBeGreaterThan(2);
    expect(times[2] - times[0]).toBeGreaterThanOrEqual(25);
    expect(parseDelayMs("")).toBe(0);
    expect(parseDelayMs("abc")).toBe(0);
    expect(parseDelayMs("-5")).toBe(0);
    expect(parseDelayMs("20")).toBe(20);
  });

  it("reads the prompt: last user message, this turn's calls with their results and errors", () => {
    const p = readPrompt({
      prompt: [
        { role: "system", content: "S" },
        { role: "user", content: [{ type: "text", text: "first" }] },
        { role: "assistant", content: [{ type: "text", text: "old" }] },
        { role: "user", content: [{ type: "text", text: "second" }] },
        { role: "assistant", content: [{ type: "tool-call", toolCallId: "a", toolName: "confirm_order", input: {} }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "a", toolName: "confirm_order", output: { type: "error-text", value: "not yet" } }] },
      ],
      tools: [tool("confirm_order")],
    });
    expect(p).toMatchObject({ system: "S", message: "second", calls: [{ toolName: "confirm_order", output: "not yet", isError: true }] });
  });
});

describe("token helpers", () => {
  it("countTokens matches gpt-tokenizer and treats special-token text as plain text", () => {
    expect(countTokens("Hello, world")).toBe(tokenizerCount("Hello, world"));
    expect(countTokens("")).toBe(0);
    expect(countTokens("a <|endoftext|> b")).toBeGreaterThan(3);
    const text = "A tent for two, please — and a lamp.";
    expect([countTokensOnce(text), countTokensOnce(text), countTokensOnce("")]).toEqual([tokenizerCount(text), tokenizerCount(text), 0]);
  });

  it("chunkText keeps whitespace", () => {
    expect(chunkText("  a b\n\nc d  ", 2)).toEqual(["  a b\n\n", "c d  "]);
    expect(chunkText("", 3)).toEqual([]);
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
