import type { DashboardStats } from "@/lib/dashboard/stats";
import { formatDateTime, formatInt } from "../operator/format";
import { card, cardTitle, cx, muted, tableHead } from "../operator/ui";

const labels: Record<string, string> = {
  whatsapp_inbox: "WhatsApp inbox",
  whatsapp_outbox: "WhatsApp replies",
  otlp_outbox: "OpenTelemetry export",
  audio_deletions: "Audio deletions",
  evaluation_jobs: "Online evaluations",
  experiment_items: "Experiment replays",
};

/** The queues right now (docs/architecture.md, "Queues"): open rows, retrying, dead letters and the newest one. */
export function QueuesCard({ queues }: { queues: DashboardStats["queues"] }) {
  const rows = queues ? Object.entries(queues) : [];
  return (
    <section data-testid="queues-card" aria-labelledby="queues-card-title" className={cx(card, "px-4 py-3")}>
      <h2 id="queues-card-title" className={cardTitle}>
        Queues
      </h2>
      {!queues ? (
        <p className={cx("mt-2 text-sm", muted)}>Status unavailable</p>
      ) : (
        <table className="mt-2 w-full text-sm">
          <thead className={tableHead}>
            <tr>
              <th className="px-2 py-1">Queue</th>
              <th className="px-2 py-1 text-right">Open</th>
              <th className="px-2 py-1 text-right">Retrying</th>
              <th className="px-2 py-1 text-right">Dead letters</th>
              <th className="px-2 py-1">Newest dead letter</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, q]) => (
              <tr key={name} data-testid={`queue-${name}`} data-dead={q.dead}>
                <td className="px-2 py-1">{labels[name] ?? name}</td>
                <td className="px-2 py-1 text-right tabular-nums">{formatInt(q.open)}</td>
                <td className="px-2 py-1 text-right tabular-nums">{formatInt(q.retrying)}</td>
                <td className={cx("px-2 py-1 text-right tabular-nums", q.dead > 0 && "font-semibold text-red-700 dark:text-red-300")}>{formatInt(q.dead)}</td>
                <td className={cx("px-2 py-1 text-xs", muted)}>
                  {q.last_dead ? `${formatDateTime(q.last_dead.dead_at)} · ${q.last_dead.attempts} attempts · ${(q.last_dead.error ?? "").slice(0, 120)}` : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
