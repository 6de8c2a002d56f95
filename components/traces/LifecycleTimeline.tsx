import Link from "next/link";
import { formatDateTime } from "../operator/format";
import { card, cardTitle, cx, link, muted } from "../operator/ui";
import type { TraceDetail } from "./detail-types";
import { lifecycleEvents } from "./lifecycle-events";

const dot: Record<string, string> = {
  started: "bg-emerald-500",
  switched: "bg-indigo-500",
  ended: "bg-slate-400",
  expired: "bg-amber-500",
};

/** session_events of this session (and the next session's start, when this one led to it). */
export function LifecycleTimeline({ detail }: { detail: TraceDetail }) {
  const current = detail.session.id;
  const traceOf = new Map(detail.visitorSessions.map((s) => [s.sessionId, s]));
  const other = (sessionId: string | null, label: string) => {
    if (!sessionId) return null;
    const s = traceOf.get(sessionId);
    return s?.traceId ? (
      <Link href={`/traces/${s.traceId}`} className={link}>{`${label} ${s.sessionTag}`}</Link>
    ) : (
      <span>{`${label} ${s?.sessionTag ?? sessionId.slice(0, 8)}`}</span>
    );
  };
  return (
    <section aria-labelledby="lifecycle-title" data-testid="lifecycle" className={cx(card, "p-4")}>
      <h2 id="lifecycle-title" className={cardTitle}>Lifecycle</h2>
      {detail.events.length === 0 ? (
        <p className={cx("mt-2 text-sm", muted)}>No lifecycle events recorded.</p>
      ) : (
        <ol className="mt-3 space-y-3 border-l border-slate-200 pl-4 dark:border-slate-700">
          {lifecycleEvents(detail.events).map((e) => {
            const here = e.sessionId === current;
            return (
              <li key={e.id} data-testid="lifecycle-event" data-scope={here ? "this" : "next"} data-event={e.event} data-reason={e.reason ?? ""} className="relative text-sm">
                <span aria-hidden="true" className={cx("absolute -left-[21px] top-1.5 h-2.5 w-2.5 rounded-full ring-2 ring-white dark:ring-slate-900", dot[e.event] ?? "bg-slate-400")} />
                <p className="font-medium">
                  {here ? e.event : `next session ${e.event}`}
                  {e.reason && <span className={cx("ml-1 font-normal", muted)}>· {e.reason.replace(/_/g, " ")}{e.via && ` (${e.via})`}</span>}
                </p>
                <p className={cx("text-xs", muted)}>
                  <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)} UTC</time>
                  {e.requestId && <span className="ml-2 font-mono" title="request id">{e.requestId.slice(0, 12)}</span>}
                </p>
                <p className="text-xs">
                  {here ? other(e.previousSessionId, "after") : other(e.sessionId, "→")}
                </p>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
