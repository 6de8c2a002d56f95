import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { createUIMessageStream, createUIMessageStreamResponse } from "ai";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { chatReducer, initialChatState, type ChatEvent, type ChatState } from "@/components/chat/chat-state";
import { runChatTurn } from "@/components/chat/chat-turn";
import { readChatTurn, StreamFailure, type TurnProgress } from "@/components/chat/stream";
import type { ChatRequestBody } from "@/components/chat/types";
import { streamErrorText, type ChatStreamChunk, type ChatUIMessage, type TurnResult } from "@/lib/chat/wire";
import { result, session } from "./wire-fixtures";

// The widget reads a chat turn's stream with the AI SDK's own reader (components/chat/stream.ts).
// The streams here are real UI message stream responses (createUIMessageStreamResponse, as
// lib/chat/stream.ts sends them), read from their body or over HTTP from a 127.0.0.1 server.

/** A UI message stream response that writes these chunks, then waits for `hold` (if any), then fails with `fail` (if any). */
function turnResponse(chunks: ChatStreamChunk[], options: { hold?: Promise<void>; fail?: Error; code?: string } = {}): Response {
  const stream = createUIMessageStream<ChatUIMessage>({
    async execute({ writer }) {
      for (const chunk of chunks) writer.write(chunk);
      if (options.hold) await options.hold;
      if (options.fail) throw options.fail;
    },
    onError: (error) => streamErrorText({ code: options.code ?? "rate_limit:chat", message: (error as Error).message }),
  });
  return createUIMessageStreamResponse({ stream });
}

const text = (id: string, ...deltas: string[]): ChatStreamChunk[] => [
  { type: "text-start", id },
  ...deltas.map((delta): ChatStreamChunk => ({ type: "text-delta", id, delta })),
  { type: "text-end", id },
];

async function progressOfAll(response: Response): Promise<TurnProgress[]> {
  const seen: TurnProgress[] = [];
  for await (const progress of readChatTurn(response.body!)) seen.push(progress);
  return seen;
}

describe("reading a turn's stream", () => {
  it("the session comes first, the text grows, the result closes the reply", async () => {
    const seen = await progressOfAll(turnResponse([
      { type: "start", messageId: "m1" },
      { type: "data-session", data: session },
      ...text("t1", "Our ", "Trailhead ", "tent."),
      { type: "data-result", data: result("Our Trailhead tent.") },
      { type: "finish" },
    ]));
    const first = seen.find((p) => p.session !== null);
    expect(first).toMatchObject({ session, text: "" });
    expect(seen.map((p) => p.text).filter((t, i, all) => t !== all[i - 1])).toEqual(["", "Our ", "Our Trailhead ", "Our Trailhead tent."]);
    expect(seen.slice(0, -1).every((p) => p.result === null)).toBe(true);
    expect(seen.at(-1)?.result).toEqual(result("Our Trailhead tent."));
  });

  it("a handoff: the note, the data-handoff part, then the new agent's text", async () => {
    const seen = await progressOfAll(turnResponse([
      { type: "start", messageId: "m1" },
      { type: "data-session", data: session },
      ...text("t1", "Let me hand you over."),
      { type: "data-handoff", data: { key: "sales_pitch", name: "Sales Pitch" } },
      ...text("t2", "Hi, sales here."),
      { type: "data-result", data: result("Hi, sales here.") },
      { type: "finish" },
    ]));
    const last = seen.at(-1)!;
    expect(last.handoffs).toEqual([{ key: "sales_pitch", name: "Sales Pitch" }]);
    expect(last.text).toBe("Let me hand you over.\n\nHi, sales here.");
  });

  it("an error chunk ends the reading with the server's code and message", async () => {
    const seen: TurnProgress[] = [];
    const reading = (async () => {
      for await (const p of readChatTurn(turnResponse([{ type: "data-session", data: session }, ...text("t1", "Half")], { fail: new Error("Slow down.") }).body!)) seen.push(p);
    })();
    await expect(reading).rejects.toBeInstanceOf(StreamFailure);
    await reading.catch((e: StreamFailure) => expect(e.error).toEqual({ code: "rate_limit:chat", message: "Slow down." }));
    expect(seen.at(-1)?.text).toBe("Half");
  });

  it("a data part that breaks the wire contract is refused (a result without partial)", async () => {
    const { partial: _partial, ...noPartial } = result("x").reply;
    const bad = { ...result("x"), reply: noPartial } as unknown as TurnResult;
    await expect(progressOfAll(turnResponse([{ type: "data-session", data: session }, { type: "data-result", data: bad }]))).rejects.toThrow(/partial/);
  });

  it("a chunk the SDK's schema refuses ends the reading", async () => {
    const body = new Response('data: {"type":"text-delta"}\n\n').body!;
    await expect(progressOfAll(new Response(body))).rejects.toThrow();
  });
});

// ── one turn through the widget: its fetch, its stream and its state ──────────────────────────────

let server: Server;
let base = "";
let answer: (signal: AbortSignal) => Response = () => new Response(null, { status: 500 });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const closed = new AbortController();
    res.on("close", () => closed.abort());
    const response = answer(closed.signal);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return void res.end();
    Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).on("error", () => res.destroy()).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // the widget fetches "/api/chat" from its page: here the page is this server
  const fetchFromPage = globalThis.fetch;
  vi.stubGlobal("fetch", (input: string, init?: RequestInit) => fetchFromPage(new URL(input, base), init));
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  answer = () => new Response(null, { status: 500 });
});

const body: ChatRequestBody = { clientMessageId: "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d", message: "a tent" };
const userMessage = {
  key: body.clientMessageId, id: null, role: "user" as const, content: "a tent", buttons: [], createdAt: "", sessionId: null, status: "done" as const, vote: null,
};

/** Runs one turn as the widget does and returns the state its events lead to, and the events. */
async function turn(controller = new AbortController(), onEvent: (e: ChatEvent) => void = () => {}, request: ChatRequestBody = body) {
  let state: ChatState = { ...initialChatState, ready: true };
  const events: ChatEvent[] = [];
  await runChatTurn({
    body: request,
    userMessage,
    signal: controller.signal,
    dispatch: (event) => {
      events.push(event);
      state = chatReducer(state, event);
      onEvent(event);
    },
    returnDraft: () => {},
  });
  return { state, events };
}

describe("a turn in the widget", () => {
  it("streams into one reply that the result completes; the session badge is known before the text", async () => {
    answer = () => turnResponse([
      { type: "start", messageId: "m1" },
      { type: "data-session", data: session },
      ...text("t1", "Our ", "tent."),
      { type: "data-result", data: result("Our tent.") },
      { type: "finish" },
    ]);
    const { state, events } = await turn();
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("send-started");
    expect(types.indexOf("session-known")).toBeLessThan(types.indexOf("reply-text"));
    expect(types.at(-1)).toBe("reply-finished");
    expect(state.session).toEqual({ sessionId: session.sessionId, sessionTag: session.sessionTag, traceId: session.traceId, agent: session.agent, model: session.model });
    expect(state.messages.map((m) => [m.role, m.content, m.status, m.sessionId])).toEqual([
      ["user", "a tent", "done", session.sessionId],
      ["agent", "Our tent.", "done", session.sessionId],
    ]);
    expect(state.pendingReplyKey).toBeNull();
  });

  it("Stop (the request aborted mid-reply) keeps the text so far, marked partial", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    answer = (closed) => {
      closed.addEventListener("abort", release);
      return turnResponse([{ type: "start", messageId: "m1" }, { type: "data-session", data: session }, { type: "text-start", id: "t1" }, { type: "text-delta", id: "t1", delta: "Half a rep" }], { hold: held });
    };
    const controller = new AbortController();
    const { state } = await turn(controller, (e) => e.type === "reply-text" && controller.abort());
    release();
    expect(state.messages.at(-1)).toMatchObject({ role: "agent", content: "Half a rep", status: "partial" });
    expect(state.failure).toBeNull();
    expect(state.announcement).toBe("Reply stopped.");
  });

  it("an error chunk drops the half reply and offers Retry of the same request", async () => {
    answer = () => turnResponse([{ type: "data-session", data: session }, ...text("t1", "Half")], { fail: new Error("boom"), code: "internal:chat" });
    const { state } = await turn();
    expect(state.messages.map((m) => m.role)).toEqual(["user"]);
    expect(state.failure).toEqual({ message: "Something went wrong while answering. Please retry.", retry: { kind: "send", body } });
    expect(state.pendingReplyKey).toBeNull();
  });

  it("a rate-limit error chunk takes the message and the half reply back and waits", async () => {
    answer = () => turnResponse([{ type: "data-session", data: session }, ...text("t1", "Half")], { fail: new Error("Slow down.") });
    const { state } = await turn();
    expect(state.rateLimit?.seconds).toBe(10);
    expect(state.messages).toEqual([]);
    expect(state.failure).toBeNull();
  });

  it("a stream that ends without its result is a dropped connection, retried with the same body", async () => {
    answer = () => turnResponse([{ type: "data-session", data: session }, ...text("t1", "Cut")]);
    const { state } = await turn();
    expect(state.messages.map((m) => m.role)).toEqual(["user"]);
    expect(state.failure?.message).toMatch(/connection dropped/);
    expect(state.failure?.retry).toEqual({ kind: "send", body });
  });

  it("a plain JSON answer is read with the wire schema too", async () => {
    answer = () => Response.json(result("Plain."));
    expect((await turn()).state.messages.at(-1)).toMatchObject({ content: "Plain.", status: "done" });
    answer = () => Response.json({ ...result("Plain."), reply: { id: "r", role: "agent", content: "Plain.", buttons: [] } });
    const refused = (await turn()).state;
    expect(refused.messages.map((m) => m.role)).toEqual(["user"]);
    expect(refused.failure?.retry).toEqual({ kind: "send", body });
  });

  it("an error answer before the stream keeps its code's meaning (404: the conversation is gone)", async () => {
    answer = () => Response.json({ error: { code: "not_found:session", message: "No such session." } }, { status: 404 });
    const { state } = await turn(new AbortController(), () => {}, { ...body, sessionId: session.sessionId });
    expect(state.failure?.message).toMatch(/no longer available/);
  });
});
