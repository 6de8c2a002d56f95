import "server-only";
import { randomUUID } from "node:crypto";
import type { Database } from "../db/types";
import { env } from "../env";
import { errorResponse } from "../http/respond";
import { clientIp, newVisitor, visitorFor, type Visitor } from "../http/visitor";
import type { TurnRequest } from "./begin";
import { assertModelAvailable, defaultModelKey, ensureModels } from "./available-models";
import { streamTurn } from "./stream";
import { runTurn } from "./turn";
import type { Observation } from "./observations";
import type { ChatRequest } from "./wire";

// POST /api/chat after validation: a JSON answer (the wire contract's TurnResult, wire.ts), or the
// AI SDK UI message stream (stream.ts) when the client asks for text/event-stream.

/** The wire contract's request (wire.ts), plus the steps before the agent ran (POST /api/chat/voice: the transcription). */
export type ChatBody = ChatRequest & { observations?: Observation[] };

/** `db`: the database the route wrapper handed the route. `known`: the visitor a caller already resolved (POST /api/chat/voice stored the recording under it). */
export async function chatTurn(db: Database, request: Request, body: ChatBody, known?: Visitor): Promise<Response> {
  if (body.model) assertModelAvailable(body.model);
  // a new visitor is counted by begin_turn itself (one round trip fewer)
  const [visitor] = await Promise.all([known ?? visitorFor(request, db), ensureModels(db)]);
  const e = env();
  const headers = new Headers({ "Cache-Control": "no-store" });
  if (visitor.setCookie) headers.set("Set-Cookie", visitor.setCookie);
  const turn: TurnRequest = {
    visitorId: visitor.id,
    requestId: request.headers.get("x-request-id")?.slice(0, 100) || randomUUID(),
    message: body.message,
    sessionId: body.sessionId,
    agent: body.agent,
    action: body.action,
    clientMessageId: body.clientMessageId,
    modelKey: body.model ?? defaultModelKey(),
    defaultAgent: e.DEFAULT_AGENT,
    tracking: body.tracking,
    idleMinutes: e.SESSION_IDLE_MINUTES,
    rateLimit: e.CHAT_RATE_LIMIT_PER_MINUTE,
    clientIp: clientIp(request),
    ipRateLimit: e.CHAT_RATE_LIMIT_PER_IP_PER_MINUTE,
    observations: body.observations,
    newVisitorLimit: visitor.newVisitorLimit,
    // a copy of a cookie whose history was deleted: the turn is a new visitor's (docs/privacy.md)
    renewVisitor: async () => {
      const fresh = await newVisitor(request, db);
      headers.set("Set-Cookie", fresh.setCookie);
      return fresh;
    },
  };
  headers.set("X-Request-Id", turn.requestId);

  return noCookieIfLimited(await answer(db, request, turn, headers));
}

async function answer(db: Database, request: Request, turn: TurnRequest, headers: Headers): Promise<Response> {
  if (!(request.headers.get("accept") ?? "").includes("text/event-stream")) {
    try {
      return Response.json(await runTurn(db, turn), { headers });
    } catch (error) {
      return errorResponse(error, headers);
    }
  }
  return streamTurn(db, turn, headers, request.signal);
}

/** A rate-limited turn hands out no visitor: a new visitor refused keeps no cookie to come back with. */
function noCookieIfLimited(response: Response): Response {
  if (response.status === 429) response.headers.delete("Set-Cookie");
  return response;
}
