import { describe, expect, it } from "vitest";
import {
  chatDataPartSchemas,
  chatRequestSchema,
  errorBodySchema,
  readStreamError,
  sessionHistorySchema,
  streamErrorText,
  turnReplySchema,
  turnResultSchema,
} from "@/lib/chat/wire";
import { result, session } from "./wire-fixtures";

// The chat wire contract (lib/chat/wire.ts): what the route accepts and what the widget accepts back.

const reply = result("Hello").reply;

describe("the reply and the turn's result", () => {
  it("a reply without `partial` is refused; with it, accepted", () => {
    const { partial: _partial, ...withoutPartial } = reply;
    expect(turnReplySchema.safeParse(withoutPartial).success).toBe(false);
    expect(turnReplySchema.safeParse(reply).success).toBe(true);
    expect(turnResultSchema.safeParse({ ...session, reply: withoutPartial }).success).toBe(false);
  });

  it("a result is the session plus the reply; replaces and handoff are optional and checked", () => {
    expect(turnResultSchema.parse({ ...session, reply })).toEqual({ ...session, reply });
    expect(turnResultSchema.safeParse({ ...session, reply, replaces: "r1" }).success).toBe(true);
    expect(turnResultSchema.safeParse({ ...session, reply, handoff: { fromSessionId: "s0", fromReply: reply } }).success).toBe(true);
    expect(turnResultSchema.safeParse({ ...session, reply, handoff: { fromSessionId: "s0" } }).success).toBe(false);
    expect(turnResultSchema.safeParse({ ...session, agent: null, reply }).success).toBe(false);
    expect(turnResultSchema.safeParse({ ...session, reply: { ...reply, role: "user" } }).success).toBe(false);
  });

  it("a button needs a label and an action id", () => {
    const button = { label: "Tents", action: { id: "product_details", payload: { sku: "TRL-TNT-2P" } } };
    expect(turnReplySchema.safeParse({ ...reply, buttons: [button] }).success).toBe(true);
    expect(turnReplySchema.safeParse({ ...reply, buttons: [{ label: "Tents" }] }).success).toBe(false);
  });

  it("the stream's data parts have the same schemas as the JSON answer", () => {
    expect(chatDataPartSchemas.session.safeParse(session).success).toBe(true);
    expect(chatDataPartSchemas.session.safeParse({ ...session, sessionTag: null }).success).toBe(false);
    expect(chatDataPartSchemas.handoff.safeParse({ key: "sales_pitch", name: "Sales Pitch" }).success).toBe(true);
    expect(chatDataPartSchemas.result).toBe(turnResultSchema);
  });
});

describe("the session history", () => {
  const history = {
    ...session, isActive: true, trackingEnabled: true, startedAt: "2026-11-29T22:00:00Z", endedAt: null,
    messages: [{ id: "m1", role: "user", content: "a tent", buttons: [], createdAt: "2026-11-29T22:00:01Z", partial: false, vote: null, audioUrl: null }],
  };
  it("each message says whether it is partial, and its vote", () => {
    expect(sessionHistorySchema.safeParse(history).success).toBe(true);
    const { partial: _partial, ...noPartial } = history.messages[0];
    expect(sessionHistorySchema.safeParse({ ...history, messages: [noPartial] }).success).toBe(false);
    expect(sessionHistorySchema.safeParse({ ...history, messages: [{ ...history.messages[0], vote: "meh" }] }).success).toBe(false);
  });
});

describe("the request", () => {
  const clientMessageId = "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d";
  it("takes a message, a button's action or an agent; refuses unknown keys", () => {
    expect(chatRequestSchema.parse({ message: "  hi  ", clientMessageId }).message).toBe("hi");
    expect(chatRequestSchema.safeParse({ agent: "sales_pitch" }).success).toBe(true);
    expect(chatRequestSchema.safeParse({ clientMessageId }).success).toBe(false);
    expect(chatRequestSchema.safeParse({ message: "hi", extra: 1 }).success).toBe(false);
    expect(chatRequestSchema.safeParse({ message: "hi", sessionId: "not-a-uuid" }).success).toBe(false);
  });

  it("'Try again' names the reply (a uuid) and sends no message", () => {
    const regenerate = (payload: Record<string, unknown>, message?: string) =>
      chatRequestSchema.safeParse({ action: { id: "regenerate", payload }, ...(message ? { message } : {}) }).success;
    expect(regenerate({ messageId: reply.id })).toBe(true);
    expect(regenerate({})).toBe(false);
    expect(regenerate({ messageId: reply.id }, "again")).toBe(false);
  });
});

describe("errors", () => {
  it("an error answer is {error: {code, message}} with a type:surface code", () => {
    expect(errorBodySchema.safeParse({ error: { code: "not_found:session", message: "No such session." } }).success).toBe(true);
    expect(errorBodySchema.safeParse({ error: { code: "oops", message: "x" } }).success).toBe(false);
    expect(errorBodySchema.safeParse({ message: "x" }).success).toBe(false);
  });

  it("a stream's error text round-trips; text that is not ours reads as null", () => {
    const text = streamErrorText({ code: "rate_limit:chat", message: "Slow down." });
    expect(readStreamError(text)).toEqual({ code: "rate_limit:chat", message: "Slow down." });
    expect(readStreamError("terminated")).toBeNull();
    expect(readStreamError(JSON.stringify({ message: "no code" }))).toBeNull();
  });
});
