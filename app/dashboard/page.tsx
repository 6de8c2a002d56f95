import type { Metadata } from "next";
import Link from "next/link";
import { dashboardApiParams, parseDashboardState } from "@/components/dashboard/dashboard-state";
import { DashboardView } from "@/components/dashboard/DashboardView";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { StatusPanel } from "@/components/operator/StatusPanel";
import { link } from "@/components/operator/ui";
import { describeError } from "@/components/operator/errors";
import { requireOperatorPage } from "@/lib/operators/pages";
import { queryString } from "@/lib/http/query";
import { dashboardQuerySchema } from "@/lib/dashboard/query";
import { dashboardStats } from "@/lib/dashboard/stats";
import { parseWith } from "@/lib/http/body";

export const metadata: Metadata = { title: "Dashboard", robots: { index: false } };
export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function DashboardPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const db = await requireOperatorPage(`/dashboard${queryString(params)}`);
  const state = parseDashboardState(params);
  const query = dashboardApiParams(state, new Date().getTime());
  const result = await dashboardStats(db, parseWith(dashboardQuerySchema, query, "dashboard")).then(
    (stats) => ({ stats, error: null }),
    (error: unknown) => ({ stats: null, error: describeError(error) }),
  );
  return (
    <OperatorShell active="dashboard">
      {result.stats ? (
        <DashboardView state={state} stats={result.stats} />
      ) : (
        <StatusPanel kind="error" title="The dashboard could not be computed" testId="dashboard-error">
          <p>{result.error?.message}</p>
          <p className="mt-1 font-mono text-xs opacity-70">{result.error?.code}</p>
          <Link href="/dashboard" className={`${link} mt-3 inline-block`}>
            Back to the last 30 days
          </Link>
        </StatusPanel>
      )}
    </OperatorShell>
  );
}
