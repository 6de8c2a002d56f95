"use client";

import { useEffect, useRef, useState } from "react";
import { copyText } from "../clipboard";
import { badgeLabel } from "./session-tag";
import { cx, focusRing } from "./styles";

interface SessionBadgeProps {
  sessionTag: string;
  modelName: string | null | undefined;
}

/** "[Model Name #015]": click to copy the full session tag. */
export function SessionBadge({ sessionTag, modelName }: SessionBadgeProps) {
  const [result, setResult] = useState<"copied" | "failed" | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const label = badgeLabel(modelName, sessionTag);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  async function copy() {
    const ok = await copyText(sessionTag);
    setResult(ok ? "copied" : "failed");
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setResult(null), 2000);
  }

  return (
    <span className="relative inline-flex min-w-0 items-center">
      <button
        type="button"
        data-testid="session-badge"
        data-session-tag={sessionTag}
        title={`Session tag ${sessionTag} (click to copy)`}
        aria-label={`${label}, copy session tag`}
        onClick={copy}
        className={cx(
          "max-w-full truncate rounded-md bg-slate-100 px-2 py-0.5 font-mono text-xs text-slate-700",
          "hover:bg-slate-200 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700",
          focusRing,
        )}
      >
        {label}
      </button>
      <span role="status" aria-live="polite" className="absolute left-full top-1/2 z-10 ml-2 -translate-y-1/2">
        {result === "copied" && (
          <span data-testid="copy-confirmation" className="whitespace-nowrap rounded-md bg-slate-900 px-2 py-1 text-xs font-medium text-white shadow dark:bg-white dark:text-slate-900">
            Copied
          </span>
        )}
        {result === "failed" && (
          <span className="whitespace-nowrap rounded-md bg-slate-900 px-2 py-1 text-xs text-white shadow dark:bg-white dark:text-slate-900">
            Couldn&apos;t copy: {sessionTag}
          </span>
        )}
      </span>
    </span>
  );
}
