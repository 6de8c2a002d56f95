import Link from "next/link";
import type { VisitorSession, VisitorSummary } from "@/lib/visitors/visitors";
import { formatDateTime, formatInt, formatUsd } from "../operator/format";
import { button, card, cardTitle, cx, fieldLabel, link, muted } from "../operator/ui";
import { EraseVisitor } from "./EraseVisitor";
import { channelLabel, plural, scoreParts } from "./visitor-format";

const endings: Record<string, string> = {
  user: "ended by the visitor", new_chat: "new chat", agent_switch: "handed to another agent", idle: "expired (idle)",
  superseded: "replaced by a newer session",
};

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt className={fieldLabel}>{label}</dt>
      <dd className="mt-0.5 text-sm font-medium tabular-nums" data-testid={testId}>{value}</dd>
    </div>
  );
}

function scoreText(s: VisitorSession["scores"][number]): string {
  const value = typeof s.value === "boolean" ? (s.name === "vote" ? (s.value ? "up" : "down") : s.value ? "yes" : "no") : String(s.value);
  return `${s.name} ${value} (${s.source === "visitor" ? "visitor" : `${s.source} ${s.author}`})`;
}

/** A visitor's page: figures, export and erase, then every session in order. */
export function VisitorDetail({ visitor, sessions }: { visitor: VisitorSummary; sessions: VisitorSession[] }) {
  const scores = scoreParts(visitor.scores);
  return (
    <div className="space-y-4" data-testid="visitor-detail" data-visitor-id={visitor.id}>
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/visitors" className={link} data-testid="back-to-visitors">← All visitors</Link>
      </nav>
      <section aria-labelledby="visitor-title" className={cx(card, "space-y-4 p-4")}>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h1 id="visitor-title" className="text-lg font-semibold">Visitor <span className="font-mono text-base break-all">{visitor.id}</span></h1>
            <p className={cx("text-sm", muted)}>
              reference <span className="font-mono">v:{visitor.ref}</span> · {channelLabel(visitor.channel)} · analytics tracking {visitor.trackingEnabled ? "on" : "off"}
              {visitor.active && <span className="ml-1 text-emerald-700 dark:text-emerald-400">· ● active</span>}
            </p>
          </div>
          <div className="flex flex-wrap gap-2">
            <Link href={`/traces?user=${encodeURIComponent(visitor.id)}`} className={button}>Their traces</Link>
            <a href={`/api/visitors/${encodeURIComponent(visitor.id)}/export`} download className={button} data-testid="export-visitor">Export (JSON)</a>
            <EraseVisitor visitorId={visitor.id} />
          </div>
        </div>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7">
          <Figure label="First seen" value={formatDateTime(visitor.firstSeen)} />
          <Figure label="Last seen" value={formatDateTime(visitor.lastSeen)} />
          <Figure label="Sessions" value={formatInt(visitor.sessions)} testId="visitor-sessions-count" />
          <Figure label="Traces" value={formatInt(visitor.traces)} />
          <Figure label="Messages" value={formatInt(visitor.messages)} />
          <Figure label="Cost" value={formatUsd(visitor.costUsd)} />
          <Figure label="Scores" value={scores.join(" · ") || "none"} />
        </dl>
      </section>
      <section aria-labelledby="sessions-title" className={cx(card, "p-4")}>
        <h2 id="sessions-title" className={cardTitle}>Sessions, oldest first <span className={cx("font-normal", muted)}>({sessions.length})</span></h2>
        <ol className="mt-2 divide-y divide-slate-100 dark:divide-slate-800" data-testid="visitor-session-list">
          {sessions.map((s, i) => (
            <li key={s.sessionId} className="grid gap-1 py-2.5 text-sm sm:grid-cols-[2.5rem_1fr_auto]" data-testid="visitor-session-row" data-session-id={s.sessionId}>
              <span className={cx("font-mono text-xs", muted)}>#{i + 1}</span>
              <div className="min-w-0 space-y-0.5">
                <div className="flex flex-wrap items-center gap-x-2">
                  {s.traceId ? (
                    <Link href={`/traces/${s.traceId}`} className={cx(link, "font-mono text-xs")}>{s.sessionTag}</Link>
                  ) : (
                    <span className="font-mono text-xs">{s.sessionTag}</span>
                  )}
                  <span>{s.agent.name}</span>
                  <span className={cx("text-xs", muted)}>{s.model.name} · {channelLabel(s.channel)}</span>
                </div>
                <p className={cx("text-xs", muted)}>
                  {formatDateTime(s.startedAt)} · {plural(s.messages, "message")}
                  {" · "}
                  {s.isActive ? <span className="text-emerald-700 dark:text-emerald-400">● active</span> : endings[s.endReason ?? ""] ?? s.endReason ?? "ended"}
                  {s.ending && !s.isActive && <> at {formatDateTime(s.ending.at).slice(11)}</>}
                  {(s.votesUp || s.votesDown) ? ` · votes ${s.votesUp ?? 0} up / ${s.votesDown ?? 0} down` : ""}
                  {!s.traceId && " · not tracked"}
                  {s.conversationRemoved && " · conversation removed (retention)"}
                </p>
                {s.scores.length > 0 && (
                  <ul className="flex flex-wrap gap-1 pt-0.5" aria-label="Scores">
                    {s.scores.map((x) => (
                      <li key={`${x.name}-${x.source}-${x.author}`} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">{scoreText(x)}</li>
                    ))}
                  </ul>
                )}
              </div>
              <span className="text-right text-xs tabular-nums">{s.costUsd === null ? "–" : formatUsd(s.costUsd)}</span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
