"use client";

import { useId } from "react";
import { cx, focusRing } from "./styles";

interface TrackingToggleProps {
  enabled: boolean;
  onChange: (enabled: boolean) => void;
}

/** Analytics tracking on/off. The server decides it when a session starts, so it applies to the next one. */
export function TrackingToggle({ enabled, onChange }: TrackingToggleProps) {
  const hintId = useId();
  return (
    <label className="flex cursor-pointer items-center justify-between gap-3 text-xs text-slate-700 dark:text-slate-300">
      <span className="min-w-0">
        <span className="font-medium text-slate-800 dark:text-slate-100">Analytics tracking</span>
        <span id={hintId} className="block text-slate-600 dark:text-slate-400">
          Applies to your next chat session
        </span>
      </span>
      <input
        type="checkbox"
        role="switch"
        data-testid="tracking-toggle"
        checked={enabled}
        aria-describedby={hintId}
        onChange={(e) => onChange(e.target.checked)}
        className={cx(
          "relative h-5 w-9 shrink-0 cursor-pointer appearance-none rounded-full bg-slate-500 transition-colors",
          "checked:bg-indigo-600 dark:bg-slate-500 dark:checked:bg-indigo-500",
          "before:absolute before:left-0.5 before:top-0.5 before:h-4 before:w-4 before:rounded-full before:bg-white before:shadow before:transition-transform before:content-['']",
          "checked:before:translate-x-4 motion-reduce:transition-none motion-reduce:before:transition-none",
          focusRing,
        )}
      />
    </label>
  );
}
