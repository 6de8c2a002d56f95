import type { Metadata } from "next";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { StatusPanel } from "@/components/operator/StatusPanel";
import { describeError, type ShownError } from "@/components/operator/errors";
import { VisitorList } from "@/components/visitors/VisitorList";
import { parseWith } from "@/lib/http/body";
import { queryString } from "@/lib/http/query";
import { requireOperatorPage } from "@/lib/operators/pages";
import { listVisitors, visitorQuerySchema } from "@/lib/visitors/visitors";

export const metadata: Metadata = { title: "Visitors", robots: { index: false } };
export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

export default async function VisitorsPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const db = await requireOperatorPage(`/visitors${queryString(params)}`);
  const q = first(params.q).trim();
  let result: Awaited<ReturnType<typeof listVisitors>> | null = null;
  let error: ShownError | null = null;
  try {
    result = await listVisitors(db, parseWith(visitorQuerySchema, { q, cursor: first(params.cursor), limit: first(params.limit) }, "visitors"));
  } catch (e) {
    error = describeError(e);
  }
  const href = (extra: Record<string, string>) => `/visitors?${new URLSearchParams({ ...(q ? { q } : {}), ...extra })}`;
  return (
    <OperatorShell active="visitors">
      {error ? (
        <StatusPanel kind="error" title="The visitors could not be listed" testId="visitors-error">
          <p>{error.message}</p>
          <p className="mt-1 font-mono text-xs opacity-70">{error.code}</p>
        </StatusPanel>
      ) : (
        <VisitorList
          visitors={result?.visitors ?? []}
          q={q}
          nextHref={result?.nextCursor ? href({ cursor: result.nextCursor }) : null}
          firstHref={params.cursor ? (q ? href({}) : "/visitors") : null}
          notice={params.erased ? "The visitor was erased: only anonymous counters are left." : undefined}
        />
      )}
    </OperatorShell>
  );
}
