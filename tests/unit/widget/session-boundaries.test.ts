import { describe, expect, it } from "vitest";
import { fromEndedSession, startsNewSession } from "@/components/chat/session-boundaries";

// A button from an ended session must not be pressable, and the widget marks where the
// next session begins (docs/widget.md).

const m = (sessionId: string | null) => ({ sessionId });

describe("buttons of an ended session", () => {
  it("are disabled once the visitor is in another session", () => {
    expect(fromEndedSession(m("a"), "b")).toBe(true);
  });
  it("stay pressable in the current session, and before any session is known", () => {
    expect(fromEndedSession(m("a"), "a")).toBe(false);
    expect(fromEndedSession(m(null), "a")).toBe(false);
    expect(fromEndedSession(m("a"), null)).toBe(false);
  });
});

describe("the new-session divider", () => {
  const messages = [m("a"), m("a"), m(null), m("b"), m("b"), m("c")];
  it("stands before the first message of each later session", () => {
    expect(messages.map((_, i) => startsNewSession(messages, i))).toEqual([false, false, false, true, false, true]);
  });
  it("never stands before the first message, nor inside one session", () => {
    expect(startsNewSession([m("a")], 0)).toBe(false);
    expect(startsNewSession([m("a"), m("a")], 1)).toBe(false);
  });
});
