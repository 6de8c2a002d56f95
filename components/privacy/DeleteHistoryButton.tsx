"use client";

import { useEffect, useRef, useState } from "react";

// "Delete my chat history": asks once, then DELETE /api/visitor (docs/privacy.md).
// The server also drops the visitor cookie, so the next chat starts afresh; the widget
// clears its own state in onDeleted.

interface DeleteHistoryButtonProps {
  onDeleted: () => void;
}

type Step = "idle" | "confirm" | "deleting" | "failed";

const button =
  "rounded-full px-3 py-1.5 text-xs font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60";

export function DeleteHistoryButton({ onDeleted }: DeleteHistoryButtonProps) {
  const [step, setStep] = useState<Step>("idle");
  // keyboard users land on Cancel when asked, and back on the button when they cancel
  const cancelRef = useRef<HTMLButtonElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (step === "confirm") cancelRef.current?.focus();
    else if (step === "idle" && asked.current) triggerRef.current?.focus();
    asked.current = step !== "idle";
  }, [step]);

  async function erase() {
    setStep("deleting");
    const res = await fetch("/api/visitor", { method: "DELETE", credentials: "same-origin" }).catch(() => null);
    // 404: nothing was stored, which is what the visitor asked for
    if (res && (res.ok || res.status === 404)) {
      setStep("idle");
      onDeleted();
    } else {
      setStep("failed");
    }
  }

  if (step === "idle") {
    return (
      <button ref={triggerRef} type="button" data-testid="delete-history" className={`${button} text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950`} onClick={() => setStep("confirm")}>
        Delete my chat history
      </button>
    );
  }
  return (
    <div role="alertdialog" aria-live="polite" aria-label="Delete chat history" className="flex flex-col gap-2 text-xs text-slate-700 dark:text-slate-300">
      <p>{step === "failed" ? "Your history could not be deleted. Try again?" : "Delete all your messages and order details? This cannot be undone."}</p>
      <div className="flex gap-2">
        <button type="button" data-testid="delete-history-confirm" disabled={step === "deleting"} className={`${button} bg-red-700 text-white hover:bg-red-800`} onClick={erase}>
          {step === "deleting" ? "Deleting…" : "Delete"}
        </button>
        <button ref={cancelRef} type="button" disabled={step === "deleting"} className={`${button} text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800`} onClick={() => setStep("idle")}>
          Cancel
        </button>
      </div>
    </div>
  );
}
