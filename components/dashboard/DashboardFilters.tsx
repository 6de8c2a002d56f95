"use client";

import { useRouter } from "next/navigation";
import { useOptimistic, useState, useTransition } from "react";
import { fromInputValue, rangePresets, toInputValue } from "@/lib/time-range";
import { card, cx, fieldLabel, input, muted } from "../operator/ui";
import { dashboardHref, type DashboardState } from "./dashboard-state";

interface DashboardFiltersProps {
  state: DashboardState;
  variants: string[];
  /** The variants actually compared (defaults chosen by the server). */
  compared: [string | undefined, string | undefined];
}

const select = `${input} pr-7`;

/** Time range and the two compared A/B variants (experiment_names), kept in the URL. */
export function DashboardFilters({ state, variants, compared }: DashboardFiltersProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [view, setView] = useOptimistic(state);
  const [custom, setCustom] = useState(state.range === "custom");
  const go = (patch: Partial<DashboardState>) =>
    startTransition(() => {
      const next = { ...view, ...patch };
      setView(next);
      router.replace(dashboardHref(next), { scroll: false });
    });
  const names = [...new Set([...variants, ...compared.filter((n): n is string => Boolean(n))])];

  return (
    <section aria-label="Dashboard filters" data-testid="dashboard-filters" data-pending={pending ? "true" : "false"} className={cx(card, "flex flex-wrap items-end gap-3 p-3")}>
      <label className="block w-44">
        <span className={fieldLabel}>Time range</span>
        <select
          value={custom ? "custom" : view.range}
          onChange={(e) => {
            const v = e.target.value;
            setCustom(v === "custom");
            if (v !== "custom") go({ range: v as DashboardState["range"], from: undefined, to: undefined });
          }}
          data-testid="dashboard-range"
          className={cx(select, "mt-1")}
        >
          {rangePresets.map((p) => (
            <option key={p.key} value={p.key}>{p.label}</option>
          ))}
          <option value="all">All time</option>
          <option value="custom">Custom (UTC)…</option>
        </select>
      </label>
      {custom && (
        <>
          <label className="block w-52">
            <span className={fieldLabel}>From (UTC)</span>
            <input type="datetime-local" value={toInputValue(view.from)} onChange={(e) => go({ range: "custom", from: fromInputValue(e.target.value) })} data-testid="dashboard-from" className={cx(input, "mt-1")} />
          </label>
          <label className="block w-52">
            <span className={fieldLabel}>To (UTC)</span>
            <input type="datetime-local" value={toInputValue(view.to)} onChange={(e) => go({ range: "custom", to: fromInputValue(e.target.value) })} data-testid="dashboard-to" className={cx(input, "mt-1")} />
          </label>
        </>
      )}
      {(["a", "b"] as const).map((slot, i) => (
        <label key={slot} className="block w-52">
          <span className={fieldLabel}>A/B variant {slot.toUpperCase()}</span>
          <select value={(slot === "a" ? view.a : view.b) ?? compared[i] ?? ""} onChange={(e) => go({ [slot]: e.target.value || undefined })} data-testid={`experiment-${slot}`} disabled={names.length === 0} className={cx(select, "mt-1")}>
            {names.length === 0 && <option value="">No A/B variants</option>}
            {names.map((n) => (
              <option key={n} value={n}>{n}</option>
            ))}
          </select>
        </label>
      ))}
      <span className={cx("ml-auto text-xs", muted)} role="status">
        {pending ? "Updating…" : "Days are UTC days."}
      </span>
    </section>
  );
}
