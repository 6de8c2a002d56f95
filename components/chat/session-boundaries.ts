// Where one session of the conversation ends and the next begins, as the visitor sees it
// (docs/widget.md): buttons of an ended session are not pressable, and a divider marks
// the first message of each later session (an agent switch, a handoff, an idle expiry).

interface InSession {
  sessionId: string | null;
}

/** True for a message of a session other than the current one: its buttons are disabled. */
export function fromEndedSession(message: InSession, currentSessionId: string | null | undefined): boolean {
  return Boolean(message.sessionId && currentSessionId && message.sessionId !== currentSessionId);
}

/** True when messages[index] is the first message of a session after another session's messages. */
export function startsNewSession(messages: readonly InSession[], index: number): boolean {
  if (index <= 0) return false;
  const here = messages[index]?.sessionId;
  if (!here) return false;
  for (let i = index - 1; i >= 0; i--) {
    const before = messages[i].sessionId;
    if (before) return before !== here;
  }
  return false;
}
