"use client";

import { useEffect, useRef, useState } from "react";
import { copyText } from "../clipboard";
import { cx, focusRing } from "./ui";

/** A small "copy" button with a transient "Copied" confirmation. */
export function CopyButton({ text, label, testId = "copy-tag", className }: { text: string; label: string; testId?: string; className?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  async function copy() {
    setState((await copyText(text)) ? "copied" : "failed");
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), 1500);
  }

  return (
    <button
      type="button"
      onClick={copy}
      data-testid={testId}
      data-copied={state === "copied" ? "true" : undefined}
      aria-label={label}
      title={label}
      className={cx(
        "inline-flex h-6 shrink-0 items-center rounded px-1.5 text-[11px] font-medium text-slate-500 hover:bg-slate-100 hover:text-slate-900",
        "dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-white",
        focusRing,
        className,
      )}
    >
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Failed" : "Copy"}</span>
    </button>
  );
}
