import type { ReactNode } from "react";
import { cx } from "./ui";

// Empty and error states of the operator screens.
export function StatusPanel({ kind, title, children, testId }: { kind: "empty" | "error"; title: string; children?: ReactNode; testId: string }) {
  return (
    <div
      data-testid={testId}
      role={kind === "error" ? "alert" : "status"}
      className={cx(
        "flex flex-col items-center gap-2 rounded-xl border border-dashed px-6 py-12 text-center",
        kind === "error"
          ? "border-rose-300 bg-rose-50 text-rose-900 dark:border-rose-900 dark:bg-rose-950/40 dark:text-rose-100"
          : "border-slate-300 text-slate-600 dark:border-slate-700 dark:text-slate-300",
      )}
    >
      <p className="text-sm font-semibold">{title}</p>
      {children && <div className="max-w-md text-sm">{children}</div>}
    </div>
  );
}
