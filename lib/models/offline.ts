// The offline model: deterministic, no network. It streams the agent's draft (built from
// the agent's tool results) in small word groups and counts tokens with a real tokenizer.
import type { AgentPlan, ChatModel, ModelStream, StoredMessage } from "../chat/types";
import { countPromptTokens, countTokens, promptMessages } from "./tokens";

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

function generate(
  options: OfflineModelOptions,
  input: { plan: AgentPlan; history: StoredMessage[]; message: string; signal?: AbortSignal },
): ModelStream {
  const { plan, signal } = input;
  const inputTokens = countPromptTokens(plan.system, promptMessages(input.history, input.message));
  const chunks = chunkText(plan.draft, options.wordsPerChunk ?? 3);
  const delayMs = options.delayMs ?? parseDelayMs(process.env.OFFLINE_MODEL_DELAY_MS);
  let emitted = "";
  let started = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  async function* stream(): AsyncGenerator<string, void, undefined> {
    started = true;
    try {
      for (const chunk of chunks) {
        if (delayMs > 0) await sleep(delayMs, signal);
        if (signal?.aborted) return;
        emitted += chunk;
        yield chunk;
      }
    } finally {
      finish();
    }
  }
  const text = stream();

  return {
    text,
    async usage() {
      // Like the AI SDK, asking for usage before reading the text consumes the stream.
      if (!started) while (!(await text.next()).done);
      await finished;
      return { inputTokens, outputTokens: countTokens(emitted) };
    },
  };
}

export function createOfflineModel(options: OfflineModelOptions = {}): ChatModel {
  return {
    info: { ...offlineModelInfo },
    generate: (input) => generate(options, input),
  };
}
