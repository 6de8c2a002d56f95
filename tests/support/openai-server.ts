import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { decideStep, type OfflinePrompt, type PastCall } from "../../lib/models/offline-rules";

// A local stand-in that speaks OpenAI's /v1/chat/completions (streaming SSE and plain JSON) on
// 127.0.0.1, tool calls included: streamed as `delta.tool_calls` fragments like real providers.
// brain "script": the first step calls `toolCalls` (when tools are offered), then answers `words`.
// brain "rules": every step is decided by the offline model's rules (lib/models/offline-rules.ts).

export type OpenAIMode = "ok" | "no_usage" | "unauthorized" | "error" | "broken_stream" | "slow";

export interface ScriptedCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface OpenAIServer {
  baseURL: string;
  mode: OpenAIMode;
  brain: "script" | "rules";
  words: string[];
  toolCalls: ScriptedCall[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; prompt_tokens_details?: { cached_tokens: number } };
  requests: { url: string; auth: string | undefined; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content?: string | Array<{ type: string; text?: string }> | null;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

/** The model the stand-in says it answered with: a dated snapshot of the one asked for, as real providers do. */
export const answeredModel = (asked: string) => `${asked}-2026-11-20`;

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null, usage?: unknown): string {
  const body = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1_760_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) };
  return `data: ${JSON.stringify(body)}\n\n`;
}

const text = (c: ChatMessage["content"]) => (typeof c === "string" ? c : (c ?? []).map((p) => p.text ?? "").join(""));

/** The request as the offline rules read it. */
export function promptOf(body: Record<string, unknown>): OfflinePrompt {
  const messages = (body.messages ?? []) as ChatMessage[];
  const lastUser = messages.findLastIndex((m) => m.role === "user");
  const calls: (PastCall & { id: string })[] = [];
  for (const m of messages.slice(lastUser + 1)) {
    for (const c of m.tool_calls ?? []) calls.push({ id: c.id, toolName: c.function.name, input: JSON.parse(c.function.arguments || "{}"), output: undefined, isError: false });
    if (m.role === "tool") {
      const call = calls.find((c) => c.id === m.tool_call_id);
      const raw = text(m.content);
      if (call) {
        try {
          call.output = JSON.parse(raw);
        } catch {
          Object.assign(call, { output: raw, isError: true });
        }
      }
    }
  }
  const tools = ((body.tools ?? []) as { function: { name: string; description?: string } }[]).map((t) => ({ name: t.function.name, description: t.function.description ?? "" }));
  return {
    system: messages.filter((m) => m.role === "system").map((m) => text(m.content)).join("\n"),
    message: lastUser >= 0 ? text(messages[lastUser].content) : "",
    calls,
    tools,
  };
}

/** What this request answers: tool calls (first step of a scripted turn, or by the rules) or words. */
function answer(state: Omit<OpenAIServer, "baseURL" | "close">, body: Record<string, unknown>): { words: string[]; calls: ScriptedCall[] } {
  const prompt = promptOf(body);
  if (state.brain === "rules") {
    const step = decideStep(prompt);
    const words = step.text.match(/\s*\S+\s*/g) ?? [];
    return { words, calls: step.toolCalls.map((c) => ({ name: c.toolName, arguments: c.input })) };
  }
  const offered = new Set(prompt.tools.map((t) => t.name));
  const calls = prompt.calls.length === 0 ? state.toolCalls.filter((c) => offered.has(c.name)) : [];
  return calls.length > 0 ? { words: [], calls } : { words: state.words, calls: [] };
}

export async function startOpenAIServer(): Promise<OpenAIServer> {
  const state: Omit<OpenAIServer, "baseURL" | "close"> = {
    mode: "ok",
    brain: "script",
    words: ["The ", "Beacon ", "Headlamp ", "is ", "bright."],
    toolCalls: [],
    usage: { prompt_tokens: 321, completion_tokens: 9, total_tokens: 330 },
    requests: [],
  };
  let callCount = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    for await (const part of req) raw += part;
    const body = JSON.parse(raw || "{}") as Record<string, unknown>;
    state.requests.push({ url: req.url ?? "", auth: req.headers.authorization, body });
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") return void res.writeHead(404).end();
    if (state.mode === "unauthorized" || state.mode === "error") {
      const status = state.mode === "unauthorized" ? 401 : 500;
      res.writeHead(status, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: { message: status === 401 ? "Invalid API key" : "overloaded", type: "server_error" } }));
    }
    const model = answeredModel(String(body.model));
    const usage = state.mode === "no_usage" ? undefined : state.usage;
    const { words, calls } = answer(state, body);
    const ids = calls.map(() => `call_${++callCount}`);
    const finish = calls.length > 0 ? "tool_calls" : "stop";
    if (!body.stream) {
      res.writeHead(200, { "content-type": "application/json" });
      const message = {
        role: "assistant",
        content: words.join("") || null,
        ...(calls.length > 0 ? { tool_calls: calls.map((c, i) => ({ id: ids[i], type: "function", function: { name: c.name, arguments: JSON.stringify(c.arguments) } })) } : {}),
      };
      return void res.end(JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", created: 1, model, choices: [{ index: 0, message, finish_reason: finish }], usage }));
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(chunk(model, { role: "assistant", content: "" }));
    for (const w of words) {
      if (state.mode === "slow") await new Promise((r) => setTimeout(r, 30));
      if (res.destroyed) return;
      res.write(chunk(model, { content: w }));
      if (state.mode === "broken_stream" && w === words[2]) return void res.destroy();
    }
    calls.forEach((c, index) => {
      // like real providers: the id and name first, then the arguments in fragments
      res.write(chunk(model, { tool_calls: [{ index, id: ids[index], type: "function", function: { name: c.name, arguments: "" } }] }));
      const args = JSON.stringify(c.arguments);
      for (let i = 0; i < args.length; i += 7) res.write(chunk(model, { tool_calls: [{ index, function: { arguments: args.slice(i, i + 7) } }] }));
    });
    res.write(chunk(model, {}, finish, usage));
    res.end("data: [DONE]\n\n");
  };
  const server: Server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(state, {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
