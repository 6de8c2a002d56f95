// Time ranges of the operator screens: a relative preset (kept relative in the
// URL, so a shared link means "the last 24 hours" when opened) or custom UTC bounds.

export const rangePresets = [
  { key: "1h", label: "Last hour", ms: 3_600_000 },
  { key: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { key: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { key: "30d", label: "Last 30 days", ms: 30 * 86_400_000 },
] as const;

export type RangeKey = (typeof rangePresets)[number]["key"];

export interface TimeRange {
  range?: RangeKey;
  from?: string;
  to?: string;
}

export function isRangeKey(v: string | undefined): v is RangeKey {
  return rangePresets.some((p) => p.key === v);
}

/** Absolute ISO bounds for a range at `now`; a preset wins over custom bounds. */
export function resolveRange(r: TimeRange, now: number): { from?: string; to?: string } {
  const preset = rangePresets.find((p) => p.key === r.range);
  if (preset) return { from: new Date(now - preset.ms).toISOString() };
  return { from: r.from, to: r.to };
}

/** ISO timestamp → the value of an <input type="datetime-local"> (UTC). */
export function toInputValue(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString().slice(0, 16);
}

/** <input type="datetime-local"> value (UTC) → ISO timestamp. */
export function fromInputValue(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(`${value}:00Z`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** A timestamp read from the URL, normalized to ISO (undefined when it is not one). */
export function validTime(v: string | undefined): string | undefined {
  const d = v ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}
