import type { Metadata } from "next";
import { OperatorShell } from "@/components/operator/OperatorShell";
import { CreateQueueForm } from "@/components/reviews/CreateQueueForm";
import { ReviewQueueList } from "@/components/reviews/ReviewQueueList";
import { operatorAgents } from "@/lib/agents/names";
import { requireOperatorPage } from "@/lib/operators/pages";
import { reviewQueues } from "@/lib/reviews/queues";
import { scoreConfigs } from "@/lib/scores/scores";

export const metadata: Metadata = { title: "Review", robots: { index: false } };
export const dynamic = "force-dynamic";

/** The review queues with their progress, and a form for a new one (docs/architecture.md, "Review queues"). */
export default async function ReviewPage() {
  const db = await requireOperatorPage("/review");
  const [{ queues }, { configs }, agents] = await Promise.all([reviewQueues(db), scoreConfigs(db), operatorAgents(db)]);
  return (
    <OperatorShell active="review">
      <div className="space-y-4">
        <h1 className="text-lg font-semibold">Review</h1>
        <ReviewQueueList queues={queues} />
        <CreateQueueForm configs={configs} agents={agents.map((a) => ({ key: a.key, name: a.name }))} />
      </div>
    </OperatorShell>
  );
}
