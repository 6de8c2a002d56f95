"use client";

import { DeleteHistoryButton } from "../privacy/DeleteHistoryButton";
import { CloseIcon, NewChatIcon } from "./icons";
import { SessionBadge } from "./SessionBadge";
import { TrackingToggle } from "./TrackingToggle";
import { cx, focusRing } from "./styles";
import type { ShownSession } from "./chat-state";

interface ChatHeaderProps {
  titleId: string;
  session: ShownSession | null;
  tracking: boolean;
  onTrackingChange: (enabled: boolean) => void;
  onNewChat: () => void;
  onHistoryDeleted: () => void;
  onClose: () => void;
}

export function ChatHeader({ titleId, session, tracking, onTrackingChange, onNewChat, onHistoryDeleted, onClose }: ChatHeaderProps) {
  const title = session?.agent?.name ?? "Threadline Assistant";
  return (
    <header className="border-b border-slate-200 px-4 pb-3 pt-3 dark:border-slate-800">
      <div className="flex items-start gap-2">
        <div className="min-w-0 flex-1">
          {/* a long agent name ends in an ellipsis; the full name is in the tooltip */}
          <h2 id={titleId} data-testid="chat-title" title={title} className="truncate text-base font-semibold text-slate-900 dark:text-white">
            {title}
          </h2>
          <div className="mt-0.5 flex min-h-6 items-center gap-2">
            {session?.sessionTag ? (
              <SessionBadge sessionTag={session.sessionTag} visitorRef={session.visitorRef} modelName={session.model?.name} />
            ) : (
              <span className="text-xs text-slate-600 dark:text-slate-400">We usually reply in seconds</span>
            )}
          </div>
        </div>
        <button
          type="button"
          data-testid="new-chat"
          aria-label="New chat"
          title="New chat"
          onClick={onNewChat}
          className={cx(
            "inline-flex h-9 shrink-0 items-center gap-1 rounded-full px-2.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50 sm:px-3",
            "dark:text-indigo-200 dark:hover:bg-slate-800",
            focusRing,
          )}
        >
          <NewChatIcon width="16" height="16" />
          {/* icon only on a phone: the room goes to the agent's name and the badge */}
          <span className="hidden sm:inline">New chat</span>
        </button>
        <button
          type="button"
          aria-label="Close chat"
          onClick={onClose}
          className={cx(
            "inline-flex h-9 w-9 shrink-0 items-center justify-center rounded-full text-slate-600 hover:bg-slate-100 hover:text-slate-900",
            "dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white",
            focusRing,
          )}
        >
          <CloseIcon />
        </button>
      </div>
      <div className="mt-2 flex flex-wrap items-start justify-between gap-2">
        <TrackingToggle enabled={tracking} onChange={onTrackingChange} />
        <DeleteHistoryButton onDeleted={onHistoryDeleted} />
      </div>
    </header>
  );
}
