"use client";

import { Bar, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from "recharts";
import { formatCompact, formatInt } from "../operator/format";
import { axisTick, chartFrame, colors, cursorFill, gridStroke, tooltipLabelStyle, tooltipStyle } from "./chart-theme";

interface Day {
  day: string;
  traces: number;
  totalTokens: number;
  llmCalls: number;
}

/** Traces (bars) and tokens (line) per UTC day. */
export function TracesPerDayChart({ days }: { days: Day[] }) {
  return (
    <div className={chartFrame} data-testid="chart" data-points={days.length}>
      <ComposedChart responsive data={days} style={{ width: "100%", height: 260 }} margin={{ top: 4, right: 4, bottom: 0, left: -8 }}>
        <CartesianGrid stroke={gridStroke} vertical={false} />
        <XAxis dataKey="day" tick={axisTick} tickFormatter={(d: string) => d.slice(5)} tickLine={false} axisLine={false} minTickGap={16} />
        <YAxis yAxisId="traces" tick={axisTick} allowDecimals={false} tickLine={false} axisLine={false} width={40} />
        <YAxis yAxisId="tokens" orientation="right" tick={axisTick} tickFormatter={(v: number) => formatCompact(v)} tickLine={false} axisLine={false} width={44} />
        <Tooltip
          contentStyle={tooltipStyle}
          labelStyle={tooltipLabelStyle}
          cursor={cursorFill}
          formatter={(value, name) => [formatInt(Number(value)), String(name)]}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} iconSize={10} itemSorter={null} />
        <Bar yAxisId="traces" dataKey="traces" name="Traces" fill={colors.traces} radius={[3, 3, 0, 0]} maxBarSize={28} isAnimationActive={false} />
        <Line yAxisId="tokens" dataKey="totalTokens" name="Tokens" stroke={colors.tokens} strokeWidth={2} dot={days.length < 40} type="monotone" isAnimationActive={false} />
      </ComposedChart>
    </div>
  );
}
