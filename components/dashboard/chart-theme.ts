import type { CSSProperties } from "react";

// Chart colours and the bits of Recharts styling shared by every chart; light and
// dark come from CSS variables set on the chart's wrapper (see chartFrame).

export const colors = {
  traces: "#6366f1",
  tokens: "#14b8a6",
  inputTokens: "#0ea5e9",
  outputTokens: "#14b8a6",
  calls: "#8b5cf6",
  cost: "#d97706",
  positive: "#10b981",
  negative: "#f43f5e",
  pending: "#94a3b8",
  a: "#6366f1",
  b: "#f59e0b",
};

/** Wrapper classes: text colour for axes, CSS variables for grid and tooltip. */
export const chartFrame =
  "text-slate-500 [--chart-grid:#e2e8f0] [--chart-tip-bg:#ffffff] [--chart-tip-border:#e2e8f0] [--chart-tip-fg:#0f172a] " +
  "dark:text-slate-400 dark:[--chart-grid:#1e293b] dark:[--chart-tip-bg:#0f172a] dark:[--chart-tip-border:#334155] dark:[--chart-tip-fg:#e2e8f0]";

export const axisTick = { fill: "currentColor", fontSize: 11 };

export const gridStroke = "var(--chart-grid)";

export const tooltipStyle: CSSProperties = {
  background: "var(--chart-tip-bg)",
  border: "1px solid var(--chart-tip-border)",
  borderRadius: 8,
  color: "var(--chart-tip-fg)",
  fontSize: 12,
  padding: "6px 10px",
};

export const tooltipLabelStyle: CSSProperties = { color: "var(--chart-tip-fg)", fontWeight: 600, marginBottom: 2 };

export const cursorFill = { fill: "currentColor", fillOpacity: 0.06 };
