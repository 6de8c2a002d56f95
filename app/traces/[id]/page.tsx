import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { link } from "@/components/operator/ui";
import { requireOperatorPage } from "@/lib/operators/pages";
import { Conversation } from "@/components/traces/Conversation";
import { FeedbackEditor } from "@/components/traces/FeedbackEditor";
import { LifecycleTimeline } from "@/components/traces/LifecycleTimeline";
import { TraceFigures } from "@/components/traces/TraceFigures";
import { VisitorSessions } from "@/components/traces/VisitorSessions";
import { agentNameMap, operatorAgents } from "@/lib/agents/names";
import { isAppError } from "@/lib/errors";
import { traceDetail } from "@/lib/traces/detail";

export const metadata: Metadata = { title: "Trace", robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function TracePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const db = await requireOperatorPage(`/traces/${encodeURIComponent(id)}`);
  if (!z.uuid().safeParse(id).success) notFound();
  const detail = await traceDetail(db, id).catch((e: unknown) => {
    if (isAppError(e) && e.code === "not_found:trace") notFound();
    throw e;
  });
  const agentNames = agentNameMap(await operatorAgents(db));
  return (
    <OperatorShell active="traces">
      <div data-testid="trace-detail" data-trace-id={detail.trace.id} className="space-y-4">
        <nav aria-label="Breadcrumb" className="text-sm">
          <Link href="/traces" className={link} data-testid="back-to-traces">
            ← All traces
          </Link>
        </nav>
        <TraceFigures detail={detail} />
        <div className="grid gap-4 lg:grid-cols-3">
          <div className="lg:col-span-2">
            <Conversation messages={detail.messages} steps={detail.steps} removedAt={detail.trace.conversationRemovedAt} />
          </div>
          <div className="space-y-4">
            <FeedbackEditor traceId={detail.trace.id} feedback={detail.trace.feedback} comment={detail.trace.feedbackComment} />
            <LifecycleTimeline detail={detail} />
            <VisitorSessions detail={detail} agentNames={agentNames} />
          </div>
        </div>
      </div>
    </OperatorShell>
  );
}
