import type { Database } from "../db/types";
import type { OperatorIdentity } from "../operators/auth";
import { traceComments } from "./comments";
import { scoreConfigs, traceScores } from "./scores";

// What the trace detail shows beside the conversation: the scores by every source, the configs an
// operator can score with, the comments; the operator's own marked.

export async function traceReview(db: Database, traceId: string, who: OperatorIdentity) {
  const [scores, configs, comments] = await Promise.all([traceScores(db, traceId, who), scoreConfigs(db), traceComments(db, traceId, who)]);
  const ownRating = scores.scores.find((s) => s.mine && s.name === "helpful" && s.traceId === traceId);
  return {
    scores: scores.scores,
    configs: configs.configs,
    comments: comments.comments,
    /** the operator's own review of the old feedback form: their helpful score */
    ownFeedback: { feedback: ownRating ? (ownRating.value ? "positive" : "negative") : "pending", comment: ownRating?.comment ?? null },
  };
}
