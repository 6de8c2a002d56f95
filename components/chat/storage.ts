// What the widget remembers in this browser: the session id, the tracking
// preference and the feedback given. Storage may be missing or blocked
// (private mode, sandboxed iframes), so every access is guarded.

import type { Rating } from "./types";

const SESSION_KEY = "threadline.sessionId";
const TRACKING_KEY = "threadline.tracking";
const FEEDBACK_PREFIX = "threadline.feedback.";

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // storage unavailable: the widget still works for this page view
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const chatStorage = {
  sessionId(): string | null {
    const value = read(SESSION_KEY);
    return value && UUID.test(value) ? value : null;
  },
  setSessionId(sessionId: string | null): void {
    write(SESSION_KEY, sessionId);
  },
  /** Analytics tracking for new sessions; on unless the visitor turned it off. */
  tracking(): boolean {
    return read(TRACKING_KEY) !== "off";
  },
  setTracking(enabled: boolean): void {
    write(TRACKING_KEY, enabled ? "on" : "off");
  },
  feedback(sessionId: string): Rating | null {
    const value = read(FEEDBACK_PREFIX + sessionId);
    return value === "positive" || value === "negative" ? value : null;
  },
  setFeedback(sessionId: string, rating: Rating): void {
    write(FEEDBACK_PREFIX + sessionId, rating);
  },
};

export function newClientMessageId(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; fall back to getRandomValues.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
