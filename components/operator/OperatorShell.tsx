import Link from "next/link";
import type { ReactNode } from "react";
import { LogoutButton } from "./LogoutButton";
import { cx, focusRing } from "./ui";

/** The operator navigation: the one list every operator page shows (tests/unit/operator/navigation.test.ts). */
export const operatorSections = [
  { key: "traces", href: "/traces", label: "Traces" },
  { key: "visitors", href: "/visitors", label: "Visitors" },
  { key: "review", href: "/review", label: "Review" },
  { key: "dashboard", href: "/dashboard", label: "Dashboard" },
  { key: "agents", href: "/agents", label: "Agents" },
  { key: "datasets", href: "/datasets", label: "Datasets" },
  { key: "experiments", href: "/experiments", label: "Experiments" },
] as const;

/** The operator screens' frame: top bar with navigation, then the page. */
export function OperatorShell({ active, children }: { active: (typeof operatorSections)[number]["key"]; children: ReactNode }) {
  return (
    <div className="min-h-dvh bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
        <div className="mx-auto flex h-12 max-w-[1400px] items-center gap-2 px-4 sm:gap-6">
          {/* below 640 px the navigation and Log out need the whole bar (five sections since the Review page) */}
          <Link href="/traces" className={cx("hidden text-sm font-bold tracking-tight whitespace-nowrap sm:block", focusRing)}>
            Threadline <span className="hidden font-medium text-slate-500 sm:inline dark:text-slate-400">Operator</span>
          </Link>
          {/* on a phone the sections scroll sideways rather than push Log out off the screen */}
          <nav aria-label="Operator" data-testid="operator-nav" className="flex min-w-0 items-center gap-1 overflow-x-auto">
            {operatorSections.map((s) => (
              <Link
                key={s.key}
                href={s.href}
                data-testid={`nav-${s.key}`}
                aria-current={active === s.key ? "page" : undefined}
                className={cx(
                  "rounded-md px-2 py-1 text-sm font-medium whitespace-nowrap sm:px-2.5",
                  active === s.key
                    ? "bg-slate-900 text-white dark:bg-white dark:text-slate-900"
                    : "text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white",
                  focusRing,
                )}
              >
                {s.label}
              </Link>
            ))}
          </nav>
          <div className="ml-auto">
            <LogoutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-[1400px] px-4 py-5">{children}</main>
    </div>
  );
}
