"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";
import { ArrowDownIcon } from "./icons";
import { cx, focusRing } from "./styles";

interface MessageListProps {
  /** Changes whenever content grows (new message, streamed text, indicator). */
  contentVersion: string;
  /** Key of the latest message the visitor sent: sending always scrolls to the bottom. */
  lastUserKey: string | null;
  children: ReactNode;
}

const NEAR_BOTTOM_PX = 48;

/**
 * The scrolling area. Follows new content while the visitor is at the bottom;
 * once they scroll up it stays put and offers a "Jump to latest" button.
 */
export function MessageList({ contentVersion, lastUserKey, children }: MessageListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const lastTop = useRef(0);
  const [scrolledUp, setScrolledUp] = useState(false);

  function scrollToBottom(smooth: boolean) {
    const el = scrollRef.current;
    if (!el) return;
    const reduce = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
    el.scrollTo({ top: el.scrollHeight, behavior: smooth && !reduce ? "smooth" : "auto" });
  }

  useEffect(() => {
    if (pinned.current) scrollToBottom(false);
  }, [contentVersion]);

  useEffect(() => {
    if (lastUserKey === null) return;
    pinned.current = true;
    scrollToBottom(false);
  }, [lastUserKey]);

  function onScroll() {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR_BOTTOM_PX;
    // Only the visitor scrolling up unpins: a scroll event that arrives after a fast
    // stream already grew the content is not "away from the bottom".
    if (atBottom) pinned.current = true;
    else if (el.scrollTop < lastTop.current - 1) pinned.current = false;
    lastTop.current = el.scrollTop;
    setScrolledUp(!pinned.current);
  }

  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scrollRef}
        data-testid="message-scroll"
        onScroll={onScroll}
        className="h-full overflow-y-auto overscroll-contain px-4 py-3"
      >
        {children}
      </div>
      {scrolledUp && (
        <button
          type="button"
          onClick={() => {
            pinned.current = true;
            scrollToBottom(true);
          }}
          className={cx(
            "absolute bottom-3 left-1/2 inline-flex -translate-x-1/2 items-center gap-1 rounded-full bg-slate-900 px-3 py-1.5 text-xs font-medium text-white shadow-lg",
            "hover:bg-slate-700 dark:bg-white dark:text-slate-900 dark:hover:bg-slate-200",
            focusRing,
          )}
        >
          <ArrowDownIcon />
          Jump to latest
        </button>
      )}
    </div>
  );
}
