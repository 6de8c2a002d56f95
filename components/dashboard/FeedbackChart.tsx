"use client";

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import type { FeedbackGroup } from "@/lib/dashboard/stats";
import { formatInt } from "../operator/format";
import { axisTick, chartFrame, colors, cursorFill, gridStroke, tooltipLabelStyle, tooltipStyle } from "./chart-theme";

/** Feedback shares per group (agent or model): positive, negative, unrated — each bar is 100% of the group's traces. */
export function FeedbackChart({ groups }: { groups: FeedbackGroup[] }) {
  if (groups.length === 0) {
    return <p className="py-16 text-center text-sm text-slate-500 dark:text-slate-400">No traces in this range.</p>;
  }
  const height = Math.max(140, groups.length * 36 + 60);
  return (
    <div className={chartFrame} data-testid="chart" data-points={groups.length}>
      <BarChart responsive layout="vertical" stackOffset="expand" data={groups} style={{ width: "100%", height }} margin={{ top: 0, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={gridStroke} horizontal={false} />
        <XAxis type="number" tick={axisTick} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} tickLine={false} axisLine={false} />
        <YAxis type="category" dataKey="name" tick={axisTick} tickLine={false} axisLine={false} width={150} />
        <Tooltip
          contentStyle={tooltipStyle}
          labelStyle={tooltipLabelStyle}
          cursor={cursorFill}
          formatter={(value, name, item) => {
            const total = (item?.payload as FeedbackGroup | undefined)?.traces ?? 0;
            const n = Number(value);
            return [`${formatInt(n)} (${total ? Math.round((n / total) * 100) : 0}%)`, String(name)];
          }}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} iconSize={10} itemSorter={null} />
        <Bar dataKey="positive" name="Positive" stackId="f" fill={colors.positive} maxBarSize={22} isAnimationActive={false} />
        <Bar dataKey="negative" name="Negative" stackId="f" fill={colors.negative} maxBarSize={22} isAnimationActive={false} />
        <Bar dataKey="pending" name="Not rated" stackId="f" fill={colors.pending} maxBarSize={22} isAnimationActive={false} />
      </BarChart>
    </div>
  );
}
