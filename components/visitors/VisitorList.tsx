import Link from "next/link";
import type { VisitorSummary } from "@/lib/visitors/visitors";
import { formatDateTime, formatInt, formatUsd } from "../operator/format";
import { button, card, cx, focusRing, input, link, muted, primaryButton, tableHead } from "../operator/ui";
import { channelLabel, scoreParts, visitorHref } from "./visitor-format";

interface VisitorListProps {
  visitors: VisitorSummary[];
  q: string;
  nextHref: string | null;
  firstHref: string | null;
  /** set after an erasure, on the way back to the list */
  notice?: string;
}

const th = "px-3 py-2 whitespace-nowrap";
const td = "px-3 py-2 align-top";

/** The Visitors page: a search by id (or reference), the table, keyset paging. Works without script. */
export function VisitorList({ visitors, q, nextHref, firstHref, notice }: VisitorListProps) {
  return (
    <div className="space-y-3" data-testid="visitor-list">
      {notice && <p role="status" data-testid="visitors-notice" className={cx(card, "px-4 py-2 text-sm")}>{notice}</p>}
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-lg font-semibold">Visitors</h1>
        <form role="search" action="/visitors" method="get" className="flex w-full gap-2 sm:w-auto">
          <label htmlFor="visitor-search" className="sr-only">Visitor id or reference</label>
          <input id="visitor-search" name="q" defaultValue={q} data-testid="visitor-search" placeholder="visitor id or its first characters"
            className={cx(input, "sm:w-72")} autoComplete="off" spellCheck={false} />
          <button type="submit" className={primaryButton}>Search</button>
        </form>
      </div>
      {visitors.length === 0 ? (
        <p className={cx(card, "p-6 text-sm", muted)} data-testid="visitors-empty">
          {q ? `No visitor's id starts with “${q}”.` : "No visitors yet: they appear here after their first chat."}
        </p>
      ) : (
        <div className={cx(card, "overflow-x-auto", focusRing)} tabIndex={0} role="region" aria-label="Visitors table">
          <table className="w-full min-w-[860px] border-collapse text-sm" data-testid="visitor-table">
            <thead className={tableHead}>
              <tr className="border-b border-slate-200 dark:border-slate-800">
                <th scope="col" className={th}>Visitor</th>
                <th scope="col" className={th}>Channel</th>
                <th scope="col" className={th}>First seen</th>
                <th scope="col" className={th}>Last seen</th>
                <th scope="col" className={cx(th, "text-right")}>Sessions</th>
                <th scope="col" className={cx(th, "text-right")}>Traces</th>
                <th scope="col" className={cx(th, "text-right")}>Messages</th>
                <th scope="col" className={cx(th, "text-right")}>Cost</th>
                <th scope="col" className={th}>Scores</th>
                <th scope="col" className={th}>Tracking</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {visitors.map((v) => (
                <tr key={v.id} data-testid="visitor-row" data-visitor-id={v.id}>
                  <td className={td}>
                    <Link href={visitorHref(v.id)} className={cx(link, "font-mono text-xs break-all")}>{v.id}</Link>
                    <div className={cx("font-mono text-[11px]", muted)}>v:{v.ref}{v.active && <span className="ml-2 text-emerald-700 dark:text-emerald-400">● active</span>}</div>
                  </td>
                  <td className={td}>{channelLabel(v.channel)}</td>
                  <td className={cx(td, "whitespace-nowrap")}>{formatDateTime(v.firstSeen)}</td>
                  <td className={cx(td, "whitespace-nowrap")}>{formatDateTime(v.lastSeen)}</td>
                  <td className={cx(td, "text-right tabular-nums")}>{formatInt(v.sessions)}</td>
                  <td className={cx(td, "text-right tabular-nums")}>{formatInt(v.traces)}</td>
                  <td className={cx(td, "text-right tabular-nums")}>{formatInt(v.messages)}</td>
                  <td className={cx(td, "text-right tabular-nums")}>{formatUsd(v.costUsd)}</td>
                  <td className={cx(td, "text-xs")}>{scoreParts(v.scores).join(" · ") || <span className={muted}>none</span>}</td>
                  <td className={td}>{v.trackingEnabled ? "on" : "off"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" className="flex justify-end gap-2">
        {firstHref && <Link href={firstHref} className={button} data-testid="visitors-first">First</Link>}
        {nextHref && <Link href={nextHref} className={button} data-testid="visitors-next">Next →</Link>}
      </nav>
    </div>
  );
}
