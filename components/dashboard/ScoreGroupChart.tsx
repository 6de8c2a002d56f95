"use client";

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import type { ScoreGroup } from "@/lib/dashboard/scores";
import { formatInt } from "../operator/format";
import { axisTick, chartFrame, colors, cursorFill, gridStroke, tooltipLabelStyle, tooltipStyle } from "./chart-theme";

/** A score's groups (days, agents, versions, models or categories): the average, or the count when it has none. */
export function ScoreGroupChart({ groups, metric, testId }: { groups: ScoreGroup[]; metric: "average" | "scores"; testId: string }) {
  if (groups.length === 0) {
    return <p className="py-8 text-center text-sm text-slate-500 dark:text-slate-400">No scores in this range.</p>;
  }
  const height = Math.max(120, groups.length * 30 + 50);
  return (
    <div className={chartFrame} data-testid={testId} data-points={groups.length}>
      <BarChart responsive layout="vertical" data={groups} style={{ width: "100%", height }} margin={{ top: 0, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={gridStroke} horizontal={false} />
        <XAxis type="number" tick={axisTick} allowDecimals={metric === "average"} tickLine={false} axisLine={false} />
        <YAxis type="category" dataKey="key" tick={axisTick} tickLine={false} axisLine={false} width={150} />
        <Tooltip
          contentStyle={tooltipStyle}
          labelStyle={tooltipLabelStyle}
          cursor={cursorFill}
          formatter={(value, _name, item) => {
            const g = item?.payload as ScoreGroup | undefined;
            return metric === "average"
              ? [`${Number(value).toFixed(2)} (${formatInt(g?.scores ?? 0)} scores)`, "Average"]
              : [formatInt(Number(value)), "Scores"];
          }}
        />
        <Bar dataKey={metric} name={metric === "average" ? "Average" : "Scores"} fill={metric === "average" ? colors.traces : colors.calls} maxBarSize={20} isAnimationActive={false} />
      </BarChart>
    </div>
  );
}
