import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in that speaks OpenAI's /v1/chat/completions (streaming SSE and plain JSON) on 127.0.0.1.

export type OpenAIMode = "ok" | "no_usage" | "unauthorized" | "error" | "broken_stream" | "slow";

export interface OpenAIServer {
  baseURL: string;
  mode: OpenAIMode;
  words: string[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  requests: { url: string; auth: string | undefined; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null, usage?: unknown): string {
  const body = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1_760_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) };
  return `data: ${JSON.stringify(body)}\n\n`;
}

export async function startOpenAIServer(): Promise<OpenAIServer> {
  const state: Omit<OpenAIServer, "baseURL" | "close"> = {
    mode: "ok",
    words: ["The ", "Beacon ", "Headlamp ", "is ", "bright."],
    usage: { prompt_tokens: 321, completion_tokens: 9, total_tokens: 330 },
    requests: [],
  };
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
    const model = String(body.model);
    const usage = state.mode === "no_usage" ? undefined : state.usage;
    if (!body.stream) {
      res.writeHead(200, { "content-type": "application/json" });
      const message = { role: "assistant", content: state.words.join("") };
      return void res.end(JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", created: 1, model, choices: [{ index: 0, message, finish_reason: "stop" }], usage }));
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(chunk(model, { role: "assistant", content: "" }));
    for (const w of state.words) {
      if (state.mode === "slow") await new Promise((r) => setTimeout(r, 30));
      if (res.destroyed) return;
      res.write(chunk(model, { content: w }));
      if (state.mode === "broken_stream" && w === state.words[2]) return void res.destroy();
    }
    res.write(chunk(model, {}, "stop", usage));
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
