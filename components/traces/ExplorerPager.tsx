"use client";

import { button, cx } from "../operator/ui";

interface ExplorerPagerProps {
  page: number | null;
  canFirst: boolean;
  canPrev: boolean;
  canNext: boolean;
  onFirst: () => void;
  onPrev: () => void;
  onNext: () => void;
}

/** Keyset paging: first, previous (this tab's trail of cursors), next. */
export function ExplorerPager({ page, canFirst, canPrev, canNext, onFirst, onPrev, onNext }: ExplorerPagerProps) {
  return (
    <nav aria-label="Pages" className="flex items-center justify-end gap-2">
      <span data-testid="page-indicator" className="mr-2 text-xs text-slate-500 dark:text-slate-400">
        {page ? `Page ${page}` : "Later page"}
      </span>
      <button type="button" onClick={onFirst} disabled={!canFirst} data-testid="page-first" className={button}>
        First
      </button>
      <button type="button" onClick={onPrev} disabled={!canPrev} data-testid="page-prev" className={button}>
        ← Previous
      </button>
      <button type="button" onClick={onNext} disabled={!canNext} data-testid="page-next" className={cx(button, "min-w-20")}>
        Next →
      </button>
    </nav>
  );
}
