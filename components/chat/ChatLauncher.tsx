"use client";

import type { Ref } from "react";
import { ChatBubbleIcon, CloseIcon } from "./icons";
import { cx, focusRing } from "./styles";

interface ChatLauncherProps {
  open: boolean;
  panelId: string;
  onToggle: () => void;
  ref?: Ref<HTMLButtonElement>;
}

/** The round bubble in the corner that opens and closes the chat panel. */
export function ChatLauncher({ open, panelId, onToggle, ref }: ChatLauncherProps) {
  return (
    <button
      ref={ref}
      type="button"
      data-testid="chat-launcher"
      aria-label={open ? "Close chat" : "Open chat"}
      aria-expanded={open}
      aria-controls={open ? panelId : undefined}
      onClick={onToggle}
      className={cx(
        "fixed bottom-5 right-5 z-[2147482000] inline-flex h-14 w-14 items-center justify-center rounded-full",
        "bg-indigo-600 text-white shadow-lg shadow-indigo-900/20 transition hover:bg-indigo-700 active:scale-95",
        "motion-reduce:transition-none",
        focusRing,
      )}
    >
      {open ? <CloseIcon width="24" height="24" /> : <ChatBubbleIcon width="26" height="26" />}
    </button>
  );
}
