"use client";

import { formatMessageTime } from "./format-time";
import { BackIcon } from "./icons";
import { badgeLabel } from "./session-tag";
import { cx, focusRing, pillButton } from "./styles";
import type { SessionSummary } from "@/lib/chat/wire";

interface ChatListProps {
  sessions: SessionSummary[] | null;
  failed: boolean;
  currentSessionId: string | null;
  onOpen: (session: SessionSummary) => void;
  onBack: () => void;
}

/** The visitor's earlier chats, newest first: agent, tag, last message, time (docs/widget.md, "Earlier chats"). */
export function ChatList({ sessions, failed, currentSessionId, onOpen, onBack }: ChatListProps) {
  return (
    <section aria-labelledby="chat-list-title" data-testid="chat-list" className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-center gap-2 px-4 pt-3">
        <h3 id="chat-list-title" className="flex-1 text-sm font-semibold">Your chats</h3>
        <button type="button" data-testid="chat-list-back" onClick={onBack} className={cx(pillButton, "py-1 text-xs")}>
          <BackIcon /> Back to chat
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-4 py-3">
        {sessions === null && <p className="text-sm text-slate-600 dark:text-slate-400">Loading your chats…</p>}
        {failed && <p role="alert" className="mb-2 text-sm text-red-800 dark:text-red-200">We couldn&apos;t load your chats. Please try again.</p>}
        {sessions?.length === 0 && !failed && <p className="text-sm text-slate-600 dark:text-slate-400">No chats yet.</p>}
        <ul className="space-y-2">
          {sessions?.map((s) => {
            const current = s.sessionId === currentSessionId;
            return (
              <li key={s.sessionId}>
                <button
                  type="button"
                  data-testid="chat-list-item"
                  data-session-id={s.sessionId}
                  aria-current={current ? "true" : undefined}
                  onClick={() => onOpen(s)}
                  className={cx(
                    "block w-full rounded-xl border px-3 py-2 text-left hover:bg-slate-50 dark:hover:bg-slate-800",
                    current ? "border-indigo-600 dark:border-indigo-300" : "border-slate-200 dark:border-slate-700",
                    focusRing,
                  )}
                >
                  <span className="flex items-baseline gap-2">
                    <span className="min-w-0 flex-1 text-sm font-medium">{s.agent.name}</span>
                    <time dateTime={s.lastActivityAt} className="shrink-0 text-xs text-slate-600 dark:text-slate-400">{formatMessageTime(s.lastActivityAt)}</time>
                  </span>
                  <span className="flex flex-wrap items-center gap-x-2 text-xs text-slate-600 dark:text-slate-400">
                    {s.sessionTag && <span className="font-mono">{badgeLabel(s.model.name, s.sessionTag)}</span>}
                    <span>{current ? "Current chat" : s.isActive ? "Open" : "Ended"}</span>
                  </span>
                  {s.lastMessage && (
                    <span className="mt-1 line-clamp-2 block text-xs text-slate-700 dark:text-slate-300">
                      {s.lastMessage.role === "user" ? "You: " : ""}{s.lastMessage.content}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
