// Class names shared by the operator screens (trace explorer, dashboard, login). Tailwind v4.

export function cx(...parts: Array<string | false | null | undefined>): string {
  return parts.filter(Boolean).join(" ");
}

export const focusRing =
  "focus-visible:outline-2 focus-visible:outline-solid focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-300";

export const card = "rounded-xl border border-slate-200 bg-white shadow-xs dark:border-slate-800 dark:bg-slate-900";

export const cardTitle = "text-sm font-semibold text-slate-900 dark:text-slate-100";

export const muted = "text-slate-500 dark:text-slate-400";

export const fieldLabel = "text-[11px] font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400";

export const input = cx(
  "h-8 w-full rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 placeholder:text-slate-400",
  "dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100 dark:placeholder:text-slate-500",
  focusRing,
);

export const button = cx(
  "inline-flex h-8 shrink-0 items-center justify-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium whitespace-nowrap text-slate-700",
  "hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50",
  "dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800",
  focusRing,
);

export const primaryButton = cx(
  "inline-flex h-8 shrink-0 items-center justify-center gap-1.5 rounded-md bg-indigo-600 px-3 text-sm font-medium text-white",
  "hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-60 dark:bg-indigo-500 dark:hover:bg-indigo-400",
  focusRing,
);

export const link = cx("font-medium text-indigo-700 hover:underline dark:text-indigo-300", focusRing);

export const tableHead = "bg-slate-50 text-left text-[11px] font-semibold uppercase tracking-wide text-slate-500 dark:bg-slate-900/60 dark:text-slate-400";
