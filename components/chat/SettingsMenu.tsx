"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { DeleteHistoryButton } from "../privacy/DeleteHistoryButton";
import { MoreIcon } from "./icons";
import { TrackingToggle } from "./TrackingToggle";
import { cx, iconButton } from "./styles";

interface SettingsMenuProps {
  tracking: boolean;
  onTrackingChange: (enabled: boolean) => void;
  onHistoryDeleted: () => void;
}

/**
 * The header's ⋯ button: a disclosure holding analytics tracking and "Delete my chat history",
 * so they take no room until asked for. Escape or a click outside closes it; focus returns to ⋯.
 */
export function SettingsMenu({ tracking, onTrackingChange, onHistoryDeleted }: SettingsMenuProps) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    function onPointer(event: PointerEvent) {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    }
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape" && open) {
      // closes the menu, not the whole chat
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      buttonRef.current?.focus();
    }
  }

  return (
    <div ref={rootRef} className="relative" onKeyDown={onKeyDown}>
      <button
        ref={buttonRef}
        type="button"
        data-testid="chat-settings"
        aria-label="Chat settings"
        title="Chat settings"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((v) => !v)}
        className={iconButton}
      >
        <MoreIcon />
      </button>
      <div
        id={panelId}
        role="group"
        aria-label="Chat settings"
        data-testid="chat-settings-panel"
        hidden={!open}
        className={cx(
          "absolute right-0 top-10 z-20 w-72 max-w-[calc(100vw-2rem)] space-y-3 rounded-xl border border-slate-200 bg-white p-3 shadow-xl",
          "dark:border-slate-700 dark:bg-slate-900",
        )}
      >
        <TrackingToggle enabled={tracking} onChange={onTrackingChange} />
        <div className="border-t border-slate-200 pt-2 dark:border-slate-700">
          <DeleteHistoryButton onDeleted={() => { setOpen(false); onHistoryDeleted(); }} />
        </div>
      </div>
    </div>
  );
}
