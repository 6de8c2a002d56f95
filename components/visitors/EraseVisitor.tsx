"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState } from "react";
import { button, cx } from "../operator/ui";
import { sendJson } from "../operator/send-json";

const dangerButton = cx(
  "inline-flex h-8 shrink-0 items-center justify-center rounded-md bg-rose-700 px-3 text-sm font-medium text-white hover:bg-rose-600",
  "disabled:cursor-not-allowed disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-rose-700",
);

/** Erase a visitor (DELETE /api/visitors/{id}) after a confirmation that names what goes. */
export function EraseVisitor({ visitorId }: { visitorId: string }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const titleId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);

  async function erase() {
    setBusy(true);
    setFailure(null);
    try {
      await sendJson(`/api/visitors/${encodeURIComponent(visitorId)}`, "DELETE", undefined, "The erasure failed");
      router.push("/visitors?erased=1");
      router.refresh();
    } catch (e) {
      setFailure((e as Error).message);
      setBusy(false);
    }
  }

  if (!confirming) {
    return (
      <button type="button" className={cx(button, "text-rose-800 dark:text-rose-300")} data-testid="erase-visitor"
        onClick={() => { setConfirming(true); setTimeout(() => cancelRef.current?.focus(), 0); }}>
        Erase visitor…
      </button>
    );
  }
  return (
    <div role="alertdialog" aria-labelledby={titleId} data-testid="erase-confirm"
      className="w-full rounded-lg border border-rose-300 bg-rose-50 p-3 text-sm text-rose-950 dark:border-rose-900 dark:bg-rose-950/40 dark:text-rose-100">
      <p id={titleId} className="font-semibold">Erase everything stored about this visitor?</p>
      <p className="mt-1">Their messages, flows and recordings are deleted; sessions and traces keep only anonymous counters. This cannot be undone.</p>
      {failure && <p role="alert" className="mt-2 font-medium">{failure}</p>}
      <div className="mt-3 flex gap-2">
        <button type="button" className={dangerButton} onClick={erase} disabled={busy} data-testid="erase-confirm-button">
          {busy ? "Erasing…" : "Erase"}
        </button>
        <button type="button" ref={cancelRef} className={button} onClick={() => setConfirming(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}
