// The widget's calls to the server. Every failure becomes a ChatApiError.

import {
  errorBodySchema, sessionHistorySchema, sessionListSchema, turnResultSchema,
  type ChatRequest, type SessionHistory, type SessionSummary, type Vote,
} from "@/lib/chat/wire";
import { readChatTurn, type TurnProgress } from "./stream";
import type { AgentOption, ProductCard, Rating } from "./types";

export type FailureKind = "network" | "unavailable" | "rate_limited" | "not_found" | "invalid" | "server";

export class ChatApiError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status: number | null = null,
    readonly code: string | null = null,
    /** Seconds, from the Retry-After header. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = "ChatApiError";
  }

  /** Worth trying the very same request again. */
  get retryable(): boolean {
    return this.kind === "network" || this.kind === "unavailable" || this.kind === "server";
  }
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(1, Math.ceil((date - Date.now()) / 1000));
}

async function errorFromResponse(res: Response): Promise<ChatApiError> {
  let code: string | null = null;
  let message = `The server answered ${res.status}.`;
  try {
    const body = errorBodySchema.safeParse(await res.json());
    if (body.success) ({ code, message } = body.data.error);
  } catch {
    // not JSON
  }
  const retryAfter = parseRetryAfter(res.headers.get("Retry-After"));
  const kind: FailureKind =
    res.status === 429 ? "rate_limited"
    : res.status === 503 ? "unavailable"
    : res.status === 404 ? "not_found"
    : res.status >= 500 ? "server"
    : "invalid";
  return new ChatApiError(kind, message, res.status, code, retryAfter);
}

async function request(url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: "same-origin", ...init });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ChatApiError("network", "We couldn't reach the chat service. Check your connection and retry.");
  }
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}

function postJson(url: string, body: unknown, signal?: AbortSignal, accept = "application/json") {
  return request(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: accept },
    body: JSON.stringify(body),
    signal,
  });
}

/** A body the server sent that breaks the wire contract (lib/chat/wire.ts). */
function unreadable(): ChatApiError {
  return new ChatApiError("server", "The server's answer could not be read.");
}

/**
 * Sends one chat turn asking for a stream and yields the reply's progress (components/chat/stream.ts);
 * a server that answers plain JSON instead yields its result once.
 */
export async function* streamChatTurn(body: ChatRequest, signal: AbortSignal): AsyncGenerator<TurnProgress> {
  const res = await postJson("/api/chat", body, signal, "text/event-stream");
  const type = res.headers.get("Content-Type") ?? "";
  if (!type.includes("text/event-stream") || !res.body) {
    const result = turnResultSchema.safeParse(await res.json().catch(() => null));
    if (!result.success) throw unreadable();
    yield { session: null, handoffs: [], text: result.data.reply.content, result: result.data };
    return;
  }
  yield* readChatTurn(res.body);
}

export async function fetchSessionHistory(sessionId: string, signal?: AbortSignal): Promise<SessionHistory> {
  const res = await request(`/api/sessions/${encodeURIComponent(sessionId)}/messages`, {
    headers: { Accept: "application/json" },
    signal,
  });
  const history = sessionHistorySchema.safeParse(await res.json().catch(() => null));
  if (!history.success) throw unreadable();
  return history.data;
}

export async function endSession(sessionId: string, reason: "user" | "new_chat" = "user"): Promise<void> {
  await postJson(`/api/sessions/${encodeURIComponent(sessionId)}/end`, { reason });
}

export async function sendFeedback(sessionId: string, rating: Rating, comment?: string): Promise<void> {
  await postJson(`/api/sessions/${encodeURIComponent(sessionId)}/feedback`, comment ? { rating, comment } : { rating });
}

export async function sendVote(sessionId: string, messageId: string, vote: Vote | null): Promise<void> {
  await postJson(`/api/sessions/${encodeURIComponent(sessionId)}/messages/${encodeURIComponent(messageId)}/vote`, { vote });
}

/** The agent menu: the server's enabled agents, in menu order. */
export async function fetchAgents(signal?: AbortSignal): Promise<AgentOption[]> {
  const res = await request("/api/agents", { headers: { Accept: "application/json" }, signal });
  const body = (await res.json()) as { agents?: unknown };
  return Array.isArray(body.agents) ? (body.agents as AgentOption[]) : [];
}

/** Catalog facts for product cards, by SKU. */
export async function fetchProductCards(skus: string[], signal?: AbortSignal): Promise<ProductCard[]> {
  const query = skus.map((sku) => `sku=${encodeURIComponent(sku)}`).join("&");
  const res = await request(`/api/products?${query}`, { headers: { Accept: "application/json" }, signal });
  const body = (await res.json()) as { products?: unknown };
  return Array.isArray(body.products) ? (body.products as ProductCard[]) : [];
}

/** The chat list: the visitor's own sessions, newest first (GET /api/sessions). */
export async function fetchSessionList(signal?: AbortSignal): Promise<SessionSummary[]> {
  const res = await request("/api/sessions", { headers: { Accept: "application/json" }, signal });
  const list = sessionListSchema.safeParse(await res.json().catch(() => null));
  if (!list.success) throw unreadable();
  return list.data.sessions;
}
