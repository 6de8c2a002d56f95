"use client";

import { useCallback, useEffect, useId, useRef, useState, useSyncExternalStore } from "react";
import { ChatLauncher } from "./ChatLauncher";
import { ChatPanel } from "./ChatPanel";
import { EMBED_MESSAGE } from "./embed-protocol";
import { useChat } from "./use-chat";

export interface ChatWidgetProps {
  /** Start with the panel open (the /embed page does). */
  defaultOpen?: boolean;
  /**
   * Rendered inside the embed iframe: the host page's launcher (public/embed.js)
   * opens and closes the frame, so the panel fills it and "close" tells the host.
   */
  embedded?: boolean;
  /** A model key to ask for; the server's default when absent. */
  model?: string;
}

const noSubscribe = () => () => {};
const inFrame = () => window.self !== window.top;

export function ChatWidget({ defaultOpen = false, embedded = false, model }: ChatWidgetProps) {
  const chat = useChat({ model });
  const [open, setOpen] = useState(defaultOpen);
  const framed = useSyncExternalStore(noSubscribe, inFrame, () => false);
  const hostControlled = embedded && framed;
  const panelId = useId();
  const launcherRef = useRef<HTMLButtonElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  const focusInput = useCallback(() => inputRef.current?.focus(), []);

  // Opening moves focus into the composer.
  useEffect(() => {
    if (open) focusInput();
  }, [open, focusInput]);

  // In the embed iframe, the host launcher says when the frame is shown again.
  useEffect(() => {
    if (!hostControlled) return;
    function onMessage(event: MessageEvent) {
      if (event.source !== window.parent) return;
      const type = (event.data as { type?: unknown } | null)?.type;
      if (type === EMBED_MESSAGE.open) {
        setOpen(true);
        focusInput();
      }
    }
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [hostControlled, focusInput]);

  function close() {
    if (hostControlled) {
      // The host hides the frame and returns focus to its own launcher.
      window.parent.postMessage({ type: EMBED_MESSAGE.close }, "*");
      return;
    }
    setOpen(false);
    launcherRef.current?.focus();
  }

  return (
    <div data-threadline-widget={embedded ? "embed" : "page"}>
      {!hostControlled && (
        <ChatLauncher ref={launcherRef} open={open} panelId={panelId} onToggle={() => (open ? close() : setOpen(true))} />
      )}
      {open && (
        <ChatPanel
          id={panelId}
          chat={chat}
          embedded={hostControlled}
          onClose={close}
          inputRef={inputRef}
          focusInput={focusInput}
        />
      )}
    </div>
  );
}
