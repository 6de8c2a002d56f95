"use client";

import { useId, type KeyboardEvent, type Ref } from "react";
import { AgentMenu } from "./AgentMenu";
import { useAgentMenu } from "./agents";
import { ChatHeader } from "./ChatHeader";
import { FailureNotice, RateLimitNotice } from "./ChatNotices";
import { ChatList } from "./ChatList";
import { Composer } from "./Composer";
import { Conversation } from "./Conversation";
import { MessageList } from "./MessageList";
import { PastChatNotice } from "./PastChatNotice";
import { cx } from "./styles";
import { TypingIndicator } from "./TypingIndicator";
import type { ChatController } from "./use-chat";

interface ChatPanelProps {
  id: string;
  chat: ChatController;
  embedded: boolean;
  onClose: () => void;
  inputRef: Ref<HTMLTextAreaElement>;
  focusInput: () => void;
}

/** The chat dialog: header, conversation (or the agent menu), notices, composer. */
export function ChatPanel({ id, chat, embedded, onClose, inputRef, focusInput }: ChatPanelProps) {
  const titleId = useId();
  const { menu, reload: reloadMenu } = useAgentMenu();
  const { state, busy } = chat;
  const { messages, session } = state;
  const agentName = session?.agent?.name ?? "Assistant";
  const { view } = chat.list;
  const past = view.kind === "past" ? view : null;
  const waitingForText = state.pendingReplyKey !== null && !messages.some((m) => m.key === state.pendingReplyKey);
  const last = messages.at(-1);
  const lastUser = messages.findLast((m) => m.role === "user");
  const askAgain = !busy && last && chat.canTryAgain(last) ? last : null;
  const contentVersion = `${messages.length}:${last?.content.length ?? 0}:${last?.status}:${waitingForText}:${state.failure ? 1 : 0}`;
  const showMenu = state.ready && messages.length === 0 && !state.restoring && state.pendingReplyKey === null;

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape" && !event.defaultPrevented) {
      event.stopPropagation();
      onClose();
    }
  }

  return (
    <div
      id={id}
      role="dialog"
      aria-modal="false"
      aria-label="Threadline chat"
      data-testid="chat-panel"
      onKeyDown={onKeyDown}
      className={cx(
        "fixed z-[2147483000] flex flex-col overflow-hidden bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100",
        embedded
          ? "inset-0 sm:rounded-2xl sm:border sm:border-slate-200 sm:dark:border-slate-700"
          : "inset-0 sm:inset-auto sm:bottom-24 sm:right-5 sm:h-[min(640px,calc(100dvh-8rem))] sm:w-[400px] sm:rounded-2xl sm:border sm:border-slate-200 sm:shadow-2xl sm:dark:border-slate-700",
      )}
    >
      <ChatHeader
        titleId={titleId}
        session={past ? { ...past.history } : session}
        tracking={chat.tracking}
        onTrackingChange={chat.setTracking}
        onNewChat={() => void chat.newChat()}
        onShowChats={() => void chat.list.openList()}
        onHistoryDeleted={chat.forgetHistory}
        onClose={onClose}
      />
      {view.kind === "list" ? (
        <ChatList
          sessions={view.sessions}
          failed={view.failed}
          currentSessionId={session?.sessionId ?? null}
          onOpen={(s) => void chat.list.openSession(s)}
          onBack={chat.list.backToChat}
        />
      ) : past ? (
        <>
          <PastChatNotice onBack={chat.list.backToChat} />
          <MessageList contentVersion={`past:${past.history.sessionId}`} lastUserKey={null}>
            <Conversation
              messages={past.messages}
              agentName={past.history.agent.name}
              currentSessionId={session?.sessionId ?? null}
              readOnly
              busy={busy}
              traced={{ ...state.traced, [past.history.sessionId]: past.history.traceId !== null }}
              feedback={state.feedback}
              onPressButton={chat.pressButton}
              onRate={(sessionId, rating) => void chat.giveFeedback(sessionId, rating)}
            />
          </MessageList>
        </>
      ) : (
        <>
          <MessageList contentVersion={contentVersion} lastUserKey={lastUser?.key ?? null}>
            {state.restoring && <p className="py-6 text-center text-sm text-slate-600 dark:text-slate-400">Loading your conversation…</p>}
            {showMenu && <AgentMenu menu={menu} disabled={busy} onChoose={chat.chooseAgent} onReload={reloadMenu} />}
            <Conversation
              messages={messages}
              agentName={agentName}
              currentSessionId={session?.sessionId ?? null}
              busy={busy}
              traced={state.traced}
              feedback={state.feedback}
              onPressButton={chat.pressButton}
              onVote={(message, vote) => void chat.vote(message, vote)}
              onRate={(sessionId, rating) => void chat.giveFeedback(sessionId, rating)}
              tryAgain={askAgain ? { message: askAgain, run: () => chat.tryAgain(askAgain) } : null}
            />
            {waitingForText && <TypingIndicator agentName={agentName} />}
          </MessageList>
          {state.rateLimit && (
            <RateLimitNotice key={state.rateLimit.until} until={state.rateLimit.until} seconds={state.rateLimit.seconds} onOver={chat.rateLimitOver} />
          )}
          {state.failure && <FailureNotice failure={state.failure} disabled={busy} onRetry={chat.retry} onDismiss={chat.dismissFailure} />}
          <Composer
            value={chat.draft}
            onChange={chat.setDraft}
            onSend={chat.sendText}
            onStop={chat.stop}
            busy={busy}
            inputRef={inputRef}
            focusInput={focusInput}
          />
        </>
      )}
      <div role="status" aria-live="polite" aria-atomic="true" className="sr-only">
        {state.announcement}
      </div>
    </div>
  );
}
