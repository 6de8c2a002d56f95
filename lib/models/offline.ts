// The offline model: a real AI SDK language model (LanguageModelV4) with no network. Each
// call decides one step of the tool loop with the rules in offline-rules.ts — tool calls,
// or text streamed in small word groups — and counts tokens with a real tokenizer.
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { judgeOffline, readJudgeData } from "./offline-judge";
import { decideStep, type OfflinePrompt, type OfflineStep, type PastCall } from "./offline-rules";
import { countTokens, countTokensOnce } from "./tokens";

export const offlineModelInfo = { key: "offline", name: "Threadline Offline", provider: "offline" } as const;

export interface OfflineModelOptions {
  /** Pause before each chunk, in ms; default: OFFLINE_MODEL_DELAY_MS from the environment, else 0. */
  delayMs?: number;
  /** Words per streamed chunk; default 3. */
  wordsPerChunk?: number;
}

/** Parses a delay setting: a finite number of ms between 0 and 10 s, else 0. */
export function parseDelayMs(value: string | undefined): number {
  const ms = Number(value);
  return value && Number.isFinite(ms) && ms > 0 ? Math.min(ms, 10_000) : 0;
}

/** Splits text into groups of words, whitespace kept, so the chunks join back to the exact text. */
export function chunkText(text: string, wordsPerChunk = 3): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) chunks.push(words.slice(i, i + wordsPerChunk).join(""));
  return chunks;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

const textOf = (parts: ReadonlyArray<{ type: string; text?: string }>) =>
  parts.flatMap((p) => (p.type === "text" && p.text ? [p.text] : [])).join("");

/** The prompt as the rules read it: instructions, the last visitor message, this turn's tool calls and results. */
export function readPrompt(options: LanguageModelV4CallOptions): OfflinePrompt {
  const prompt: LanguageModelV4Prompt = options.prompt;
  const system = prompt.flatMap((m) => (m.role === "system" ? [m.content] : [])).join("\n");
  const lastUser = prompt.findLastIndex((m) => m.role === "user");
  const message = lastUser >= 0 ? textOf(prompt[lastUser].content as { type: string; text?: string }[]) : "";
  const calls: (PastCall & { id: string })[] = [];
  for (const m of prompt.slice(lastUser + 1)) {
    if (m.role === "system") continue;
    for (const part of m.content) {
      if (part.type === "tool-call") calls.push({ id: part.toolCallId, toolName: part.toolName, input: part.input, output: undefined, isError: false });
      if (part.type === "tool-result") {
        const call = calls.find((c) => c.id === part.toolCallId);
        const output = part.output as { type: string; value?: unknown };
        if (call) Object.assign(call, { output: output.value, isError: output.type.startsWith("error") });
      }
    }
  }
  const tools = (options.tools ?? []).flatMap((t) => (t.type === "function" ? [{ name: t.name, description: t.description ?? "" }] : []));
  return { system, message, calls, tools };
}

/** Input: each prompt message and the tools, counted once per distinct text (a turn resends most of them). */
function usage(options: LanguageModelV4CallOptions, step: OfflineStep): LanguageModelV4Usage {
  const input = options.prompt.reduce((n, m) => n + countTokensOnce(JSON.stringify(m)), 0) + countTokensOnce(JSON.stringify(options.tools ?? []));
  const output = countTokens(step.text) + step.toolCalls.reduce((n, c) => n + countTokens(c.toolName + JSON.stringify(c.input)), 0);
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: countTokens(step.text), reasoning: 0 },
  };
}

function decide(options: LanguageModelV4CallOptions): OfflineStep {
  const prompt = readPrompt(options);
  // asked for a JSON object (a judge's structured output): graded by the judge's rules
  if (options.responseFormat?.type === "json") return { text: JSON.stringify(judgeOffline(readJudgeData(prompt.system))), toolCalls: [] };
  const step = decideStep(prompt);
  // a forced choice of tools is honoured: "none" drops tool calls
  if (options.toolChoice?.type === "none" || prompt.tools.length === 0) return { text: step.text || "How can I help?", toolCalls: [] };
  return step;
}

/** Tool calls get ids unique within the turn: the step number and the call's index. */
const callId = (options: LanguageModelV4CallOptions, i: number) =>
  `call_${options.prompt.filter((m) => m.role === "assistant").length}_${i}`;

export function createOfflineLanguageModel(options: OfflineModelOptions = {}): LanguageModelV4 {
  const finishReason = (step: OfflineStep) =>
    step.toolCalls.length > 0 ? { unified: "tool-calls" as const, raw: "tool_calls" } : { unified: "stop" as const, raw: "stop" };
  return {
    specificationVersion: "v4",
    provider: "threadline.offline",
    modelId: offlineModelInfo.key,
    supportedUrls: {},
    async doGenerate(call) {
      const step = decide(call);
      const content: LanguageModelV4Content[] = [];
      if (step.text) content.push({ type: "text", text: step.text });
      step.toolCalls.forEach((c, i) => content.push({ type: "tool-call", toolCallId: callId(call, i), toolName: c.toolName, input: JSON.stringify(c.input) }));
      return { content, finishReason: finishReason(step), usage: usage(call, step), warnings: [] };
    },
    async doStream(call) {
      const step = decide(call);
      const delayMs = options.delayMs ?? parseDelayMs(process.env.OFFLINE_MODEL_DELAY_MS);
      const signal = call.abortSignal;
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async start(controller) {
          controller.enqueue({ type: "stream-start", warnings: [] });
          controller.enqueue({ type: "response-metadata", id: `offline-${Date.now()}`, modelId: offlineModelInfo.key, timestamp: new Date() });
          if (step.text) {
            controller.enqueue({ type: "text-start", id: "t0" });
            for (const chunk of chunkText(step.text, options.wordsPerChunk ?? 3)) {
              if (delayMs > 0) await sleep(delayMs, signal);
              if (signal?.aborted) break;
              controller.enqueue({ type: "text-delta", id: "t0", delta: chunk });
            }
            controller.enqueue({ type: "text-end", id: "t0" });
          }
          step.toolCalls.forEach((c, i) => {
            const id = callId(call, i);
            const input = JSON.stringify(c.input);
            controller.enqueue({ type: "tool-input-start", id, toolName: c.toolName });
            controller.enqueue({ type: "tool-input-delta", id, delta: input });
            controller.enqueue({ type: "tool-input-end", id });
            controller.enqueue({ type: "tool-call", toolCallId: id, toolName: c.toolName, input });
          });
          controller.enqueue({ type: "finish", finishReason: finishReason(step), usage: usage(call, step) });
          controller.close();
        },
      });
      return { stream };
    },
  };
}
