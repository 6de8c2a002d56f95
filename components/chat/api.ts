// The widget's calls to the server. Every failure becomes a ChatApiError.

import { readUiMessageStream, type UiStreamChunk } from "./stream";
import type { AgentOption, ChatRequestBody, ChatTurnResult, ProductCard, Rating, SessionHistory, Vote } from "./types";

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
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === "string") code = body.error.code;
    if (typeof body.error?.message === "string") message = body.error.message;
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

/**
 * Sends one chat turn asking for a stream. Yields the stream's chunks; a server
 * that answers plain JSON instead yields one `data-result` chunk.
 */
export async function* streamChatTurn(body: ChatRequestBody, signal: AbortSignal): AsyncGenerator<UiStreamChunk> {
  const res = await postJson("/api/chat", body, signal, "text/event-stream");
  const type = res.headers.get("Content-Type") ?? "";
  if (!type.includes("text/event-stream") || !res.body) {
    const data = (await res.json()) as ChatTurnResult;
    yield { type: "data-result", data };
    return;
  }
  try {
    yield* readUiMessageStream(res.body);
  } catch (error) {
    if (signal.aborted || (error instanceof DOMException && error.name === "AbortError")) throw error;
    throw new ChatApiError("network", "The connection dropped before the reply finished. Please retry.");
  }
}

export async function fetchSessionHistory(sessionId: string, signal?: AbortSignal): Promise<SessionHistory> {
  const res = await request(`/api/sessions/${encodeURIComponent(sessionId)}/messages`, {
    headers: { Accept: "application/json" },
    signal,
  });
  return (await res.json()) as SessionHistory;
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
