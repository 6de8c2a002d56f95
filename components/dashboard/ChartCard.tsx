import type { ReactNode } from "react";
import { card, cardTitle, cx, muted } from "../operator/ui";

/** A titled dashboard panel. */
export function ChartCard({ title, subtitle, testId, className, children }: { title: string; subtitle?: string; testId: string; className?: string; children: ReactNode }) {
  return (
    <section aria-label={title} data-testid={testId} className={cx(card, "flex min-w-0 flex-col p-4", className)}>
      <header className="mb-3">
        <h2 className={cardTitle}>{title}</h2>
        {subtitle && <p className={cx("text-xs", muted)}>{subtitle}</p>}
      </header>
      <div className="min-w-0 flex-1">{children}</div>
    </section>
  );
}
