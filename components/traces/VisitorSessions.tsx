import Link from "next/link";
import { formatDateTime } from "../operator/format";
import { card, cardTitle, cx, muted } from "../operator/ui";
import type { TraceDetail } from "./detail-types";

/** The same visitor's sessions (newest first), each linking to its trace. */
export function VisitorSessions({ detail, agentNames }: { detail: TraceDetail; agentNames: Record<string, string> }) {
  const sessions = detail.visitorSessions;
  return (
    <section aria-labelledby="visitor-sessions-title" data-testid="visitor-sessions" className={cx(card, "p-4")}>
      <h2 id="visitor-sessions-title" className={cardTitle}>
        This visitor&apos;s sessions <span className={cx("font-normal", muted)}>({sessions.length})</span>
      </h2>
      <ul className="mt-2 max-h-80 divide-y divide-slate-100 overflow-auto text-sm dark:divide-slate-800">
        {sessions.map((s) => {
          const current = s.sessionId === detail.session.id;
          const body = (
            <>
              <span className="font-mono text-xs">{s.sessionTag}</span>
              <span className={cx("text-xs", muted)}>
                {agentNames[s.agentType] ?? s.agentType} · {formatDateTime(s.startedAt).slice(5, 16)}
                {s.isActive && <span className="ml-1 text-emerald-700 dark:text-emerald-400">● active</span>}
                {!s.traceId && <span className="ml-1">· not tracked</span>}
              </span>
            </>
          );
          return (
            <li key={s.sessionId} data-testid="visitor-session" data-current={current ? "true" : undefined}>
              {s.traceId && !current ? (
                <Link href={`/traces/${s.traceId}`} className="flex flex-col py-1.5 hover:bg-slate-50 dark:hover:bg-slate-800/50">
                  {body}
                </Link>
              ) : (
                <div className={cx("flex flex-col py-1.5", current && "border-l-2 border-indigo-500 pl-2")}>{body}</div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
