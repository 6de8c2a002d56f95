import { randomUUID } from "node:crypto";
import { createUIMessageStream, createUIMessageStreamResponse } from "ai";
import { database } from "../db";
import { env } from "../env";
import { AppError, isAppError } from "../errors";
import { errorResponse } from "../http/respond";
import { clientIp, visitorFor } from "../http/visitor";
import type { TurnRequest } from "./begin";
import { assertModelAvailable, defaultModelKey, ensureModels } from "./models";
import { runTurn, type TurnSession } from "./turn";
import type { ButtonAction } from "./types";

// POST /api/chat after validation: a JSON answer, or the AI SDK UI message
// stream when the client asks for text/event-stream.

export interface ChatBody {
  message?: string;
  sessionId?: string;
  agent?: string;
  action?: ButtonAction;
  clientMessageId?: string;
  model?: string;
  tracking?: boolean;
}

export async function chatTurn(request: Request, body: ChatBody): Promise<Response> {
  if (body.model) assertModelAvailable(body.model);
  const db = await database();
  const [visitor] = await Promise.all([visitorFor(request, db), ensureModels(db)]);
  const e = env();
  const turn: TurnRequest = {
    visitorId: visitor.id,
    requestId: request.headers.get("x-request-id")?.slice(0, 100) || randomUUID(),
    message: body.message,
    sessionId: body.sessionId,
    agent: body.agent ?? (body.action?.id === "select_agent" ? stringOf(body.action.payload?.agent) : undefined),
    action: body.action,
    clientMessageId: body.clientMessageId,
    modelKey: body.model ?? defaultModelKey(),
    defaultAgent: e.DEFAULT_AGENT,
    tracking: body.tracking,
    idleMinutes: e.SESSION_IDLE_MINUTES,
    rateLimit: e.CHAT_RATE_LIMIT_PER_MINUTE,
    clientIp: clientIp(request),
    ipRateLimit: e.CHAT_RATE_LIMIT_PER_IP_PER_MINUTE,
  };
  const headers = new Headers({ "Cache-Control": "no-store", "X-Request-Id": turn.requestId });
  if (visitor.setCookie) headers.set("Set-Cookie", visitor.setCookie);

  if (!(request.headers.get("accept") ?? "").includes("text/event-stream")) {
    try {
      return Response.json(await runTurn(db, turn), { headers });
    } catch (error) {
      return errorResponse(error, headers);
    }
  }
  return streamTurn(db, turn, headers, request.signal);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

// The stream opens once the session is decided, so a bad session id is still a plain 404.
async function streamTurn(db: Awaited<ReturnType<typeof database>>, turn: TurnRequest, headers: Headers, requestSignal: AbortSignal): Promise<Response> {
  // the client is gone when the request aborts or the response stream is cancelled
  const gone = new AbortController();
  const signal = AbortSignal.any([requestSignal, gone.signal]);
  const textId = randomUUID();
  let write: ((chunk: unknown) => void) | undefined;
  const buffered: unknown[] = [];
  const send = (chunk: unknown) => {
    try {
      if (write) write(chunk as never);
      else buffered.push(chunk);
    } catch {
      // the client went away; the turn still finishes and stores the partial reply
    }
  };
  let opened: (session: TurnSession) => void = () => {};
  const sessionReady = new Promise<TurnSession>((resolve) => (opened = resolve));
  let textStarted = false;
  const result = runTurn(db, turn, {
    signal,
    onSession(session) {
      send({ type: "start", messageId: textId });
      send({ type: "data-session", data: session });
      opened(session);
    },
    onText(delta) {
      if (!textStarted) send({ type: "text-start", id: textId });
      textStarted = true;
      send({ type: "text-delta", id: textId, delta });
    },
  });
  // errors before the session is known are answered with their status
  const first = await Promise.race([sessionReady.then(() => null), result.then(() => null, (error: unknown) => error)]);
  if (first) return errorResponse(first, headers);

  const stream = createUIMessageStream({
    async execute({ writer }) {
      write = (chunk) => writer.write(chunk as never);
      for (const chunk of buffered.splice(0)) writer.write(chunk as never);
      const done = await result;
      if (!textStarted) writer.write({ type: "text-start", id: textId });
      writer.write({ type: "text-end", id: textId });
      writer.write({ type: "data-result", data: done } as never);
      writer.write({ type: "finish" });
    },
    onError(error) {
      const e = isAppError(error) ? error : new AppError("internal:chat", "Something went wrong on our side.");
      return JSON.stringify({ code: e.code, message: e.message });
    },
  });
  const reader = stream.getReader();
  const watched = new ReadableStream<(typeof stream extends ReadableStream<infer C> ? C : never)>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      gone.abort(reason);
      return reader.cancel(reason);
    },
  });
  return createUIMessageStreamResponse({ stream: watched, headers });
}
