import type { ExperimentStats } from "@/lib/dashboard/stats";
import { formatInt, formatMs, formatPercent } from "../operator/format";
import { StatusPanel } from "../operator/StatusPanel";
import { cx, muted, tableHead } from "../operator/ui";
import { colors } from "./chart-theme";

type Metric = { label: string; value: (e: ExperimentStats) => number | null; format: (n: number | null) => string; better?: "higher" | "lower" };

const metrics: Metric[] = [
  { label: "Traces", value: (e) => e.traces, format: formatInt },
  { label: "Visitors", value: (e) => e.visitors, format: formatInt },
  { label: "LLM calls", value: (e) => e.llmCalls, format: formatInt },
  { label: "LLM calls / session", value: (e) => e.avgLlmCalls ?? null, format: (n) => (n === null ? "–" : n.toFixed(2)) },
  { label: "Tokens / session", value: (e) => e.avgTokens ?? null, format: (n) => (n === null ? "–" : formatInt(Math.round(n))), better: "lower" },
  { label: "Tokens / call", value: (e) => e.avgTokensPerCall ?? null, format: (n) => (n === null ? "–" : formatInt(Math.round(n))), better: "lower" },
  { label: "Latency / call", value: (e) => e.avgLatencyMsPerCall ?? null, format: formatMs, better: "lower" },
  { label: "Positive feedback", value: (e) => e.positiveRatio ?? null, format: (n) => formatPercent(n), better: "higher" },
  { label: "Rated traces", value: (e) => e.positive + e.negative, format: formatInt },
  { label: "Errors", value: (e) => e.errors, format: formatInt, better: "lower" },
];

/** The A/B comparison: two experiment_names of live traffic side by side, each metric with a bar scaled to the larger of the two (docs/glossary.md). */
export function ExperimentComparison({ comparison }: { comparison: ExperimentStats[] }) {
  if (comparison.length === 0) {
    return (
      <StatusPanel kind="empty" title="No A/B variants in this range" testId="experiments-empty">
        <p>Traces carry the experiment_name of their model (set LLM_EXPERIMENT_NAME for the OpenAI-compatible model).</p>
      </StatusPanel>
    );
  }
  const palette = [colors.a, colors.b];
  return (
    <div className="overflow-x-auto">
      <table data-testid="comparison-table" className="w-full min-w-[520px] text-sm">
        <thead className={tableHead}>
          <tr>
            <th scope="col" className="px-3 py-2">Metric</th>
            {comparison.map((e, i) => (
              <th key={e.experimentName} scope="col" className="px-3 py-2" data-testid="comparison-experiment">
                <span className="inline-flex items-center gap-1.5 normal-case">
                  <span aria-hidden="true" className="h-2.5 w-2.5 rounded-sm" style={{ background: palette[i] }} />
                  <span className="font-mono text-xs text-slate-800 dark:text-slate-100">{e.experimentName}</span>
                </span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {metrics.map((m) => {
            const values = comparison.map(m.value);
            const max = Math.max(...values.map((v) => v ?? 0), 0);
            const defined = values.filter((v): v is number => v !== null);
            const best = m.better && defined.length === 2 && defined[0] !== defined[1] ? (m.better === "higher" ? Math.max(...defined) : Math.min(...defined)) : null;
            return (
              <tr key={m.label} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                <th scope="row" className={cx("px-3 py-1.5 text-left text-xs font-medium", muted)}>{m.label}</th>
                {values.map((v, i) => (
                  <td key={i} className="px-3 py-1.5">
                    <div className="flex items-center gap-2">
                      <span className={cx("w-20 shrink-0 text-right tabular-nums", best !== null && v === best && "font-semibold text-emerald-700 dark:text-emerald-400")}>{m.format(v)}</span>
                      <span className="h-1.5 flex-1 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800">
                        <span className="block h-full rounded-full" style={{ width: `${max > 0 && v ? Math.max((v / max) * 100, 2) : 0}%`, background: palette[i] }} />
                      </span>
                    </div>
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {comparison.length === 1 && <p className={cx("mt-2 text-xs", muted)}>Only one A/B variant has traces in this range.</p>}
    </div>
  );
}
