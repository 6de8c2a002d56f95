"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ReviewItemView, ReviewQueueView } from "@/lib/reviews/queues";
import { button, card, cardTitle, cx, link, muted, primaryButton } from "../operator/ui";
import { Conversation } from "../traces/Conversation";
import type { TraceDetail } from "../traces/detail-types";
import { QueueProgress } from "./QueueProgress";
import { finishItem, leaseNext, previousItem, reviewSeat, traceOf, type Leased } from "./review-api";
import { digitValue, ScoreInputs, type ScoreValues } from "./ScoreInputs";

// The reviewing screen: the item leased to this tab, its conversation, the queue's score configs and
// progress. Keys: 1–9 pick on the active config, Enter completes, s skips, k/← the item finished before,
// j/→ back toward the current one.

type Shown = { item: ReviewItemView; detail: TraceDetail };

/** The next item leased to this seat with its trace, or nulls when none is free. */
async function fetchNext(queueId: string, seat: string): Promise<[Leased | null, TraceDetail | null]> {
  const next = await leaseNext(queueId, seat);
  return [next, next ? await traceOf(next.item.traceId) : null];
}

/** Keys typed into a text field or a select are theirs; a choice (radio) or a button keeps the shortcuts. */
const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement &&
  (t.isContentEditable || ["TEXTAREA", "SELECT"].includes(t.tagName) ||
    (t instanceof HTMLInputElement && !["radio", "checkbox", "button", "submit"].includes(t.type)));
/** Enter on a focused button or link is that control's own; arrows on a choice move between choices. */
const ownsKey = (t: EventTarget | null, key: string) =>
  t instanceof HTMLElement &&
  ((key === "Enter" && ["BUTTON", "A"].includes(t.tagName)) || (key.startsWith("Arrow") && t instanceof HTMLInputElement));

export function ReviewSession({ initial }: { initial: ReviewQueueView }) {
  const [queue, setQueue] = useState(initial);
  const [live, setLive] = useState<Shown | null>(null);
  const [back, setBack] = useState<Shown[]>([]);
  const [values, setValues] = useState<ScoreValues>({});
  const [active, setActive] = useState(0);
  const [state, setState] = useState<"loading" | "ready" | "empty" | "busy">("loading");
  const [message, setMessage] = useState("");
  const seat = useRef("");
  const configs = queue.scoreConfigs;
  const shown = back.at(-1) ?? live;
  const looking = back.length > 0;

  // the state stays "loading" (first) or "busy" (after a complete or skip) until the answer
  const apply = useCallback((next: Leased | null, detail: TraceDetail | null) => {
    if (!next || !detail) {
      setLive(null);
      setState("empty");
      return;
    }
    setQueue(next.queue);
    setLive({ item: next.item, detail });
    setValues({});
    setActive(0);
    setState("ready");
  }, []);
  const failed = useCallback((e: unknown) => {
    setMessage((e as Error).message);
    setState("ready");
  }, []);

  useEffect(() => {
    seat.current = reviewSeat();
    fetchNext(queue.id, seat.current).then(([next, detail]) => apply(next, detail), failed);
  }, [queue.id, apply, failed]);

  const finish = useCallback(async (how: "complete" | "skip") => {
    if (!live || looking || state !== "ready") return;
    setState("busy");
    try {
      const scores = configs.filter((c) => values[c.name] !== undefined && values[c.name] !== "").map((c) => ({ name: c.name, value: values[c.name] }));
      const done = await finishItem(queue.id, live.item.id, how, seat.current, how === "complete" ? scores : undefined);
      setQueue(done.queue);
      setMessage(how === "complete" ? `Completed ${live.item.sessionTag}.` : `Skipped ${live.item.sessionTag}.`);
      const [next, detail] = await fetchNext(queue.id, seat.current);
      apply(next, detail);
    } catch (e) {
      failed(e);
    }
  }, [live, looking, state, configs, values, queue.id, apply, failed]);

  const goBack = useCallback(async () => {
    const before = back.at(-1)?.item.id;
    const r = await previousItem(queue.id, seat.current, before).catch((e: Error) => (setMessage(e.message), null));
    if (!r) return;
    if (!r.item) return setMessage("No earlier item you reviewed in this queue.");
    const item = r.item;
    setBack((b) => [...b, { item, detail: null as unknown as TraceDetail }]);
    const detail = await traceOf(item.traceId);
    setBack((b) => b.map((s) => (s.item.id === item.id ? { item, detail } : s)));
    setMessage(`Looking back at ${item.sessionTag} (${item.status}); j returns to the current item.`);
  }, [back, queue.id]);

  const pick = useCallback((name: string, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
  }, []);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || ownsKey(e.target, e.key)) return;
      const k = e.key;
      if (k === "k" || k === "ArrowLeft") return void (e.preventDefault(), goBack());
      if (k === "j" || k === "ArrowRight") {
        e.preventDefault();
        setBack((b) => b.slice(0, -1));
        return setMessage("");
      }
      if (k === "Enter") return void (e.preventDefault(), finish("complete"));
      if (k === "s") return void (e.preventDefault(), finish("skip"));
      if (/^[1-9]$/.test(k) && configs[active] && !looking) {
        const value = digitValue(configs[active], Number(k));
        if (value === undefined) return;
        e.preventDefault();
        pick(configs[active].name, value);
        setActive((i) => Math.min(i + 1, configs.length - 1));
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [goBack, finish, pick, configs, active, looking]);

  return (
    <div className="space-y-4" data-testid="review-session" data-state={state} data-item-id={live?.item.id ?? ""}>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <nav aria-label="Breadcrumb" className="text-sm"><Link href="/review" className={link}>← All queues</Link></nav>
          <h1 className="mt-1 text-lg font-semibold">{queue.name}</h1>
        </div>
        <p className={cx("text-xs", muted)}>Keys: 1–9 score · Enter complete · s skip · k/← previous · j/→ next</p>
      </div>
      <QueueProgress counts={queue.counts} label={`${queue.name}: progress`} />
      <p role="status" aria-live="polite" className="min-h-5 text-sm" data-testid="review-message">{message}</p>
      {state === "empty" && !looking ? (
        <section className={cx(card, "p-6 text-center")} data-testid="review-empty">
          <h2 className={cardTitle}>Nothing left to review</h2>
          <p className={cx("mt-1 text-sm", muted)}>Every item is finished or leased to another reviewer. New traces enter as they match.</p>
        </section>
      ) : shown?.detail ? (
        <div className="grid gap-4 lg:grid-cols-3">
          <div className="min-w-0 lg:col-span-2" data-testid="review-trace" data-trace-id={shown.item.traceId}>
            <p className={cx("mb-2 text-sm", muted)}>
              <Link href={`/traces/${shown.item.traceId}`} className={link}>{shown.item.sessionTag}</Link> · {shown.item.agent} · entered by{" "}
              {shown.item.reason.replaceAll("_", " ")} {looking && <strong>· {shown.item.status} (looking back)</strong>}
            </p>
            <Conversation messages={shown.detail.messages} steps={shown.detail.steps} removedAt={shown.detail.trace.conversationRemovedAt} />
          </div>
          <section aria-labelledby="review-scores-title" className={cx(card, "h-fit space-y-3 p-4 lg:sticky lg:top-16")}>
            <h2 id="review-scores-title" className={cardTitle}>Scores</h2>
            <ScoreInputs configs={configs} values={values} active={active} disabled={looking || state !== "ready"} onChange={pick} onActivate={setActive} />
            <div className="flex flex-wrap gap-2">
              <button type="button" className={primaryButton} disabled={looking || state !== "ready"} onClick={() => void finish("complete")} data-testid="review-complete">
                Complete <kbd className="font-mono text-xs opacity-80">Enter</kbd>
              </button>
              <button type="button" className={button} disabled={looking || state !== "ready"} onClick={() => void finish("skip")} data-testid="review-skip">
                Skip <kbd className="font-mono text-xs opacity-70">s</kbd>
              </button>
              <button type="button" className={button} onClick={() => void goBack()} data-testid="review-previous">Previous</button>
              {looking && <button type="button" className={button} onClick={() => setBack((b) => b.slice(0, -1))} data-testid="review-next">Next</button>}
            </div>
          </section>
        </div>
      ) : (
        <p className={cx("text-sm", muted)} data-testid="review-loading">Loading the next item…</p>
      )}
    </div>
  );
}
