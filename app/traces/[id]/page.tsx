import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { link } from "@/components/operator/ui";
import { requireOperatorPageAs } from "@/lib/operators/pages";
import { CommentsPanel } from "@/components/traces/CommentsPanel";
import { Conversation } from "@/components/traces/Conversation";
import { FeedbackEditor } from "@/components/traces/FeedbackEditor";
import { LifecycleTimeline } from "@/components/traces/LifecycleTimeline";
import { TraceFigures } from "@/components/traces/TraceFigures";
import { ScoresPanel } from "@/components/traces/ScoresPanel";
import { VisitorSessions } from "@/components/traces/VisitorSessions";
import { agentNameMap, operatorAgents } from "@/lib/agents/names";
import { isAppError } from "@/lib/errors";
import { traceReview } from "@/lib/scores/review";
import { traceDetail } from "@/lib/traces/detail";
import { listDatasets } from "@/lib/datasets/datasets";

export const metadata: Metadata = { title: "Trace", robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function TracePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { db, operator } = await requireOperatorPageAs(`/traces/${encodeURIComponent(id)}`);
  if (!z.uuid().safeParse(id).success) notFound();
  const detail = await traceDetail(db, id).catch((e: unknown) => {
    if (isAppError(e) && e.code === "not_found:trace") notFound();
    throw e;
  });
  const agentNames = agentNameMap(await operatorAgents(db));
  const [review, { datasets }] = await Promise.all([traceReview(db, id, operator), listDatasets(db)]);
  const targets = detail.messages.map((m, i) => ({ id: m.id, label: `message ${i + 1} (${m.role}): ${m.content.slice(0, 40)}` }));
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
            <Conversation messages={detail.messages} steps={detail.steps} removedAt={detail.trace.conversationRemovedAt}
              dataset={{ traceId: detail.trace.id, names: datasets.map((d) => d.name) }} />
          </div>
          <div className="space-y-4">
            <FeedbackEditor traceId={detail.trace.id} feedback={review.ownFeedback.feedback} comment={review.ownFeedback.comment} />
            <ScoresPanel traceId={detail.trace.id} scores={review.scores} configs={review.configs} />
            <CommentsPanel traceId={detail.trace.id} comments={review.comments} messages={targets} />
            <LifecycleTimeline detail={detail} />
            <VisitorSessions detail={detail} agentNames={agentNames} />
          </div>
        </div>
      </div>
    </OperatorShell>
  );
}
