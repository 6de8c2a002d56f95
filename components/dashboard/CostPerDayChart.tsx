"use client";

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "../operator/format";
import { axisTick, chartFrame, colors, cursorFill, gridStroke, tooltipLabelStyle, tooltipStyle } from "./chart-theme";

interface Day {
  day: string;
  costUsd: number;
}

/** Model cost (USD) of the traces created each UTC day. */
export function CostPerDayChart({ days }: { days: Day[] }) {
  return (
    <div className={chartFrame} data-testid="chart" data-points={days.length}>
      <BarChart responsive data={days} style={{ width: "100%", height: 220 }} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={gridStroke} vertical={false} />
        <XAxis dataKey="day" tick={axisTick} tickFormatter={(d: string) => d.slice(5)} tickLine={false} axisLine={false} minTickGap={16} />
        <YAxis tick={axisTick} tickFormatter={(v: number) => formatUsd(v)} tickLine={false} axisLine={false} width={56} />
        <Tooltip contentStyle={tooltipStyle} labelStyle={tooltipLabelStyle} cursor={cursorFill} formatter={(value) => [formatUsd(Number(value)), "Cost"]} />
        <Bar dataKey="costUsd" name="Cost" fill={colors.cost} radius={[3, 3, 0, 0]} maxBarSize={28} isAnimationActive={false} />
      </BarChart>
    </div>
  );
}
