import type { DashboardStats } from "@/lib/dashboard/stats";
import { formatDuration, formatInt } from "../operator/format";
import { card, cardTitle, cx, muted } from "../operator/ui";

/** The OTLP outbox right now (docs/privacy.md): spans waiting for the collector, retried, dropped at the cap. */
export function OutboxCard({ outbox }: { outbox: DashboardStats["outbox"] }) {
  const items = outbox
    ? [
        { label: "Depth", value: `${formatInt(outbox.depth)} / ${formatInt(outbox.cap)}`, testId: "outbox-depth" },
        { label: "Retrying", value: formatInt(outbox.retrying), testId: "outbox-retrying" },
        { label: "Oldest", value: formatDuration(outbox.oldestAgeSeconds), testId: "outbox-oldest" },
        { label: "Dropped", value: formatInt(outbox.dropped), testId: "outbox-dropped" },
      ]
    : [];
  const state = !outbox ? "unknown" : outbox.enabled ? "enabled" : "disabled";
  return (
    <section data-testid="outbox-card" data-state={state} aria-labelledby="outbox-card-title" className={cx(card, "px-4 py-3")}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="outbox-card-title" className={cardTitle}>
          OpenTelemetry export
        </h2>
        <span data-testid="outbox-state" className={cx("text-xs font-medium", outbox?.enabled ? "text-emerald-700 dark:text-emerald-300" : muted)}>
          {state === "enabled" ? "Enabled" : state === "disabled" ? "Disabled (no OTLP endpoint)" : "Status unavailable"}
        </span>
      </div>
      {outbox && (
        <dl className="mt-2 grid grid-cols-2 gap-3 sm:grid-cols-4">
          {items.map((i) => (
            <div key={i.label} data-testid={i.testId}>
              <dt className={cx("text-xs", muted)}>{i.label}</dt>
              <dd className="text-lg font-semibold tabular-nums">{i.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
