"use client";

import { BackIcon } from "./icons";
import { cx, pillButton } from "./styles";

/** Above a past chat opened from the chat list: it is read-only, and the way back to the current one. */
export function PastChatNotice({ onBack }: { onBack: () => void }) {
  return (
    <div data-testid="past-chat" role="status" className="mx-3 mt-2 flex items-center gap-2 rounded-xl border border-slate-200 bg-slate-50 px-3 py-2 text-xs text-slate-700 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-200">
      <p className="min-w-0 flex-1">This chat has ended. You can read it here.</p>
      <button type="button" data-testid="back-to-current" onClick={onBack} className={cx(pillButton, "shrink-0 py-1 text-xs")}>
        <BackIcon /> Current chat
      </button>
    </div>
  );
}
