"use client";

import { useState, type KeyboardEvent, type Ref } from "react";
import { SendIcon, StopIcon } from "./icons";
import { cx, focusRing } from "./styles";
import { VoiceRecorder } from "./VoiceRecorder";

export const MAX_MESSAGE_LENGTH = 4000;

interface ComposerProps {
  value: string;
  onChange: (value: string) => void;
  /** Returns true when the message was sent (a voice message passes its recording's clientMessageId). */
  onSend: (text: string, clientMessageId?: string) => boolean;
  onStop: () => void;
  busy: boolean;
  inputRef?: Ref<HTMLTextAreaElement>;
  focusInput: () => void;
}

/**
 * The message box: Enter sends, Shift+Enter adds a line. While a reply streams
 * the visitor can keep typing; Send is disabled, Stop aborts the reply (its
 * partial text stays), and Enter keeps the text and says why it was not sent
 * (never silently dropped).
 */
export function Composer({ value, onChange, onSend, onStop, busy, inputRef, focusInput }: ComposerProps) {
  const hasText = value.trim().length > 0;
  const canSend = !busy && hasText;
  const [heldWhileBusy, setHeldWhileBusy] = useState(false);
  const held = heldWhileBusy && busy && hasText;

  function send() {
    if (busy && hasText) {
      setHeldWhileBusy(true);
      focusInput();
      return;
    }
    if (!canSend) return;
    setHeldWhileBusy(false);
    if (onSend(value)) onChange("");
    focusInput();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    send();
  }

  const nearLimit = value.length > MAX_MESSAGE_LENGTH - 200;
  return (
    <form
      className="border-t border-slate-200 px-3 pb-3 pt-2 dark:border-slate-800"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <div className="flex items-end gap-2">
        <textarea
          ref={inputRef}
          data-testid="chat-input"
          aria-label="Message"
          rows={1}
          maxLength={MAX_MESSAGE_LENGTH}
          value={value}
          placeholder="Type a message…"
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
          className={cx(
            "field-sizing-content max-h-32 min-h-10 flex-1 resize-none rounded-xl border border-slate-400 bg-white px-3 py-2 text-sm text-slate-900",
            "placeholder:text-slate-500 dark:border-slate-600 dark:bg-slate-950 dark:text-white dark:placeholder:text-slate-400",
            focusRing,
          )}
        />
        <VoiceRecorder disabled={busy} onTranscript={(transcript, clientMessageId) => onSend(transcript, clientMessageId)} />
        {busy && (
          <button
            type="button"
            data-testid="chat-stop"
            aria-label="Stop reply"
            onClick={() => {
              onStop();
              focusInput();
            }}
            className={cx(
              "inline-flex h-10 w-10 shrink-0 items-center justify-center rounded-full border border-slate-400 bg-white text-slate-800",
              "hover:bg-slate-100 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800",
              focusRing,
            )}
          >
            <StopIcon />
          </button>
        )}
        <button
            type="submit"
            data-testid="chat-send"
            aria-label="Send message"
            aria-describedby={held ? "chat-held-hint" : undefined}
            disabled={!canSend}
            className={cx(
              "inline-flex h-10 w-10 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-white",
              "hover:bg-indigo-700 disabled:cursor-not-allowed disabled:bg-slate-300 disabled:text-slate-600 dark:disabled:bg-slate-700 dark:disabled:text-slate-300",
              focusRing,
            )}
          >
            <SendIcon />
          </button>
      </div>
      {held && (
        <p id="chat-held-hint" data-testid="chat-held" role="status" className="mt-1 text-xs text-slate-700 dark:text-slate-300">
          Not sent yet: your message stays here. Send it when the reply finishes, or stop the reply first.
        </p>
      )}
      {nearLimit && (
        <p className="mt-1 text-right text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
          {MAX_MESSAGE_LENGTH - value.length} characters left
        </p>
      )}
    </form>
  );
}
