import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { ReviewSession } from "@/components/reviews/ReviewSession";
import { isAppError } from "@/lib/errors";
import { requireOperatorPage } from "@/lib/operators/pages";
import { reviewQueue } from "@/lib/reviews/queues";

export const metadata: Metadata = { title: "Review queue", robots: { index: false } };
export const dynamic = "force-dynamic";

/** The reviewing screen of one queue: the browser leases its items (POST /api/review-queues/{id}/next). */
export default async function ReviewQueuePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const db = await requireOperatorPage(`/review/${encodeURIComponent(id)}`);
  if (!z.uuid().safeParse(id).success) notFound();
  const queue = await reviewQueue(db, id).catch((e: unknown) => {
    if (isAppError(e) && e.code === "not_found:review_queue") notFound();
    throw e;
  });
  return (
    <OperatorShell active="review">
      <ReviewSession initial={queue} />
    </OperatorShell>
  );
}
