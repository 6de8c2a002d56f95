"use client";

import { useState } from "react";
import type { ScoreSeries } from "@/lib/dashboard/scores";
import { formatInt } from "../operator/format";
import { cx, fieldLabel, input, muted } from "../operator/ui";
import { ScoreGroupChart } from "./ScoreGroupChart";

/** How a series' figure reads: the share of true for a boolean, the mean for a number. */
function averageText(s: ScoreSeries): string {
  if (s.average === null) return "—";
  return s.dataType === "boolean" ? `${Math.round(s.average * 100)}% true` : s.average.toFixed(2);
}

/**
 * The range's scores (dashboard_scores): one config and source at a time, its count and average,
 * and the average (or, for a categorical config, the count) per day, agent, agent version and model;
 * a categorical config's distribution.
 */
export function ScoreCharts({ series }: { series: ScoreSeries[] }) {
  const [picked, setPicked] = useState<string | undefined>(undefined);
  if (series.length === 0) {
    return <p className="py-8 text-center text-sm text-slate-500 dark:text-slate-400" data-testid="scores-empty">No scores on this range&apos;s traces.</p>;
  }
  const s = series.find((x) => x.id === picked) ?? series[0];
  const metric = s.dataType === "categorical" ? "scores" : "average";
  const panels: [string, ScoreSeries["perDay"], string][] = [
    ["Per day", s.perDay, "score-chart-day"],
    ["Per agent", s.byAgent, "score-chart-agent"],
    ["Per agent version", s.byAgentVersion, "score-chart-version"],
    ["Per model", s.byModel, "score-chart-model"],
  ];
  return (
    <div className="space-y-3" data-testid="score-charts" data-series={s.id}>
      <div className="flex flex-wrap items-end gap-4">
        <label className="block">
          <span className={fieldLabel}>Score and source</span>
          <select value={s.id} onChange={(e) => setPicked(e.target.value)} data-testid="score-series" className={cx(input, "mt-1 w-64 pr-7")}>
            {series.map((x) => (
              <option key={x.id} value={x.id}>{x.id}</option>
            ))}
          </select>
        </label>
        <p className="text-sm" data-testid="score-summary">
          <span className="font-semibold tabular-nums" data-testid="score-count">{formatInt(s.scores)}</span> <span className={muted}>{s.scores === 1 ? "score" : "scores"}</span>
          {metric === "average" && (
            <>
              {" · "}
              <span className="font-semibold tabular-nums" data-testid="score-average">{averageText(s)}</span> <span className={muted}>{s.dataType === "boolean" ? "" : "average"}</span>
            </>
          )}
        </p>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {s.dataType === "categorical" && (
          <div>
            <h3 className={cx("mb-1 text-xs font-medium", muted)}>Categories</h3>
            <ScoreGroupChart groups={s.categories} metric="scores" testId="score-chart-categories" />
          </div>
        )}
        {panels.map(([title, groups, testId]) => (
          <div key={testId}>
            <h3 className={cx("mb-1 text-xs font-medium", muted)}>{title}{metric === "average" ? (s.dataType === "boolean" ? " (share of true)" : " (average)") : " (count)"}</h3>
            <ScoreGroupChart groups={groups} metric={metric} testId={testId} />
          </div>
        ))}
      </div>
    </div>
  );
}
