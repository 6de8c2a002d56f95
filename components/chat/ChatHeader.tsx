"use client";

import { CloseIcon, ListIcon, NewChatIcon } from "./icons";
import { SessionBadge } from "./SessionBadge";
import { SettingsMenu } from "./SettingsMenu";
import { shownSessionTag } from "./session-tag";
import { cx, focusRing, iconButton } from "./styles";
import type { ShownSession } from "./chat-state";

interface ChatHeaderProps {
  titleId: string;
  session: ShownSession | null;
  tracking: boolean;
  onTrackingChange: (enabled: boolean) => void;
  onNewChat: () => void;
  onShowChats: () => void;
  onHistoryDeleted: () => void;
  onClose: () => void;
}

export function ChatHeader({ titleId, session, tracking, onTrackingChange, onNewChat, onShowChats, onHistoryDeleted, onClose }: ChatHeaderProps) {
  const title = session?.agent?.name ?? "Threadline Assistant";
  const tag = shownSessionTag(session);
  return (
    <header className="border-b border-slate-200 px-4 pb-3 pt-3 dark:border-slate-800">
      <div className="flex items-start gap-1">
        <div className="min-w-0 flex-1">
          {/* the agent's name wraps rather than being cut */}
          <h2 id={titleId} data-testid="chat-title" title={title} className="break-words text-base font-semibold leading-snug text-slate-900 dark:text-white">
            {title}
          </h2>
          <div className="mt-0.5 flex min-h-6 items-center gap-2">
            {tag ? (
              <SessionBadge sessionTag={tag} visitorRef={session?.visitorRef} modelName={session?.model?.name} />
            ) : (
              <span className="text-xs text-slate-600 dark:text-slate-400">We usually reply in seconds</span>
            )}
          </div>
        </div>
        <button type="button" data-testid="show-chats" aria-label="Your chats" title="Your chats" onClick={onShowChats} className={iconButton}>
          <ListIcon />
        </button>
        <button
          type="button"
          data-testid="new-chat"
          aria-label="New chat"
          title="New chat"
          onClick={onNewChat}
          className={cx(
            "inline-flex h-9 shrink-0 items-center gap-1 rounded-full px-2.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50",
            "dark:text-indigo-200 dark:hover:bg-slate-800",
            focusRing,
          )}
        >
          <NewChatIcon width="16" height="16" />
          <span className="sr-only">New chat</span>
        </button>
        <SettingsMenu tracking={tracking} onTrackingChange={onTrackingChange} onHistoryDeleted={onHistoryDeleted} />
        <button type="button" aria-label="Close chat" onClick={onClose} className={iconButton}>
          <CloseIcon />
        </button>
      </div>
    </header>
  );
}
