"use client";

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageGroup } from "@/lib/dashboard/stats";
import { formatInt, formatUsd } from "../operator/format";
import { axisTick, chartFrame, colors, cursorFill, gridStroke, tooltipLabelStyle, tooltipStyle } from "./chart-theme";

/**
 * Per agent or per model (usage_by_agent / usage_by_model): the cost of its traces,
 * or the visitors' votes on its messages (up and down, stacked).
 */
export function UsageChart({ groups, metric }: { groups: UsageGroup[]; metric: "cost" | "votes" }) {
  if (groups.length === 0) {
    return <p className="py-12 text-center text-sm text-slate-500 dark:text-slate-400">No traces in this range.</p>;
  }
  const height = Math.max(140, groups.length * 36 + 60);
  return (
    <div className={chartFrame} data-testid="chart" data-points={groups.length}>
      <BarChart responsive layout="vertical" data={groups} style={{ width: "100%", height }} margin={{ top: 0, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={gridStroke} horizontal={false} />
        <XAxis
          type="number"
          tick={axisTick}
          allowDecimals={metric === "cost"}
          tickFormatter={(v: number) => (metric === "cost" ? formatUsd(v) : formatInt(v))}
          tickLine={false}
          axisLine={false}
        />
        <YAxis type="category" dataKey="name" tick={axisTick} tickLine={false} axisLine={false} width={150} />
        <Tooltip
          contentStyle={tooltipStyle}
          labelStyle={tooltipLabelStyle}
          cursor={cursorFill}
          formatter={(value, name, item) => {
            const g = item?.payload as UsageGroup | undefined;
            if (metric === "cost") return [`${formatUsd(Number(value))} (${formatInt(g?.traces ?? 0)} traces, ${formatUsd(g?.avgCostUsd ?? 0)} each)`, String(name)];
            return [formatInt(Number(value)), String(name)];
          }}
        />
        {metric === "votes" && <Legend wrapperStyle={{ fontSize: 12 }} iconSize={10} itemSorter={null} />}
        {metric === "cost" && <Bar dataKey="costUsd" name="Cost" fill={colors.cost} maxBarSize={22} isAnimationActive={false} />}
        {metric === "votes" && <Bar dataKey="votesUp" name="Thumbs up" stackId="v" fill={colors.positive} maxBarSize={22} isAnimationActive={false} />}
        {metric === "votes" && <Bar dataKey="votesDown" name="Thumbs down" stackId="v" fill={colors.negative} maxBarSize={22} isAnimationActive={false} />}
      </BarChart>
    </div>
  );
}
