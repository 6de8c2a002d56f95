"use client";

import { useEffect, useRef, useState } from "react";
import { formatTagRef } from "@/lib/visitors/reference";
import { copyText } from "../clipboard";
import { badgeLabel, badgeParts } from "./session-tag";
import { cx, focusRing } from "./styles";

interface SessionBadgeProps {
  sessionTag: string;
  /** the visitor's reference: the tag and it name exactly one chat (lib/visitors/reference.ts) */
  visitorRef?: string;
  modelName: string | null | undefined;
}

/**
 * "[Model Name #015]": click to copy the full session tag. On a narrow screen
 * the model name shrinks with an ellipsis; the counter (what a visitor reads
 * out to support) never does. The full tag and the visitor's reference are in the tooltip and the copy.
 */
export function SessionBadge({ sessionTag, visitorRef, modelName }: SessionBadgeProps) {
  const [result, setResult] = useState<"copied" | "failed" | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const label = badgeLabel(modelName, sessionTag);
  const { name, counter } = badgeParts(modelName, sessionTag);
  // what support needs: the tag and whose it is ("chat_model_3f2a9c_003 · v:1a2b3c4d")
  const reference = visitorRef ? formatTagRef(sessionTag, visitorRef) : sessionTag;

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  async function copy() {
    const ok = await copyText(reference);
    setResult(ok ? "copied" : "failed");
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setResult(null), 2000);
  }

  return (
    <span className="relative inline-flex min-w-0 max-w-full items-center">
      <button
        type="button"
        data-testid="session-badge"
        data-session-tag={sessionTag}
        data-visitor-ref={visitorRef}
        title={`${label} · session ${reference} (click to copy)`}
        aria-label={`${label}, copy session reference`}
        onClick={copy}
        className={cx(
          "inline-flex min-w-0 max-w-full items-center whitespace-nowrap rounded-md bg-slate-100 px-2 py-0.5 font-mono text-xs text-slate-700",
          "hover:bg-slate-200 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700",
          focusRing,
        )}
      >
        <span aria-hidden="true">[</span>
        <span data-testid="session-badge-model" className="min-w-0 truncate">{name}</span>
        {counter ? (
          <span data-testid="session-badge-counter" className="shrink-0 whitespace-pre">{` #${counter}]`}</span>
        ) : (
          <span aria-hidden="true" className="shrink-0">]</span>
        )}
      </button>
      <span role="status" aria-live="polite" className="absolute left-full top-1/2 z-10 ml-2 -translate-y-1/2">
        {result === "copied" && (
          <span data-testid="copy-confirmation" className="whitespace-nowrap rounded-md bg-slate-900 px-2 py-1 text-xs font-medium text-white shadow dark:bg-white dark:text-slate-900">
            Copied
          </span>
        )}
        {result === "failed" && (
          <span className="whitespace-nowrap rounded-md bg-slate-900 px-2 py-1 text-xs text-white shadow dark:bg-white dark:text-slate-900">
            Couldn&apos;t copy: {reference}
          </span>
        )}
      </span>
    </span>
  );
}
