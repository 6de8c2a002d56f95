"use client";

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { formatInt } from "../operator/format";
import { axisTick, chartFrame, colors, cursorFill, gridStroke, tooltipLabelStyle, tooltipStyle } from "./chart-theme";

interface Bucket {
  bucket: string;
  sessions: number;
}

/** How many sessions made how many LLM calls. */
export function LlmCallsChart({ buckets }: { buckets: Bucket[] }) {
  return (
    <div className={chartFrame} data-testid="chart" data-points={buckets.length}>
      <BarChart responsive data={buckets} style={{ width: "100%", height: 260 }} margin={{ top: 4, right: 4, bottom: 0, left: -8 }}>
        <CartesianGrid stroke={gridStroke} vertical={false} />
        <XAxis dataKey="bucket" tick={axisTick} tickLine={false} axisLine={false} interval={0} />
        <YAxis tick={axisTick} allowDecimals={false} tickLine={false} axisLine={false} width={40} />
        <Tooltip
          contentStyle={tooltipStyle}
          labelStyle={tooltipLabelStyle}
          cursor={cursorFill}
          labelFormatter={(label) => `${String(label)} LLM call${label === "1" ? "" : "s"}`}
          formatter={(value) => [formatInt(Number(value)), "Sessions"]}
        />
        <Bar dataKey="sessions" name="Sessions" fill={colors.calls} radius={[3, 3, 0, 0]} maxBarSize={40} isAnimationActive={false} />
      </BarChart>
    </div>
  );
}
