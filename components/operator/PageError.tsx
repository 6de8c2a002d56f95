"use client";

import { StatusPanel } from "./StatusPanel";
import { button } from "./ui";

/** When an operator page cannot render at all (e.g. the database is unreachable). */
export function PageError({ reset }: { reset: () => void }) {
  return (
    <main className="mx-auto max-w-xl px-4 py-16">
      <StatusPanel kind="error" title="This page could not be loaded" testId="page-error">
        <p>The database may be unavailable. Try again in a moment.</p>
        <button type="button" onClick={reset} className={`${button} mt-3`}>
          Try again
        </button>
      </StatusPanel>
    </main>
  );
}
