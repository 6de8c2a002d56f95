// Online evaluation: the poller of the evaluation_jobs queue (the one queue mechanism, lib/queue/poller.ts).
// A job is queued inside the turn's own transaction (trigger llm_traces_enqueue_evaluations) for each
// attached, sampled evaluator; here each claimed job is graded and its score written. A grade that
// cannot be made (no reply, a missing evaluator: a 4xx) is a dead letter at once; a model's failure
// or timeout is retried with the backoff up to 5 attempts. docs/architecture.md, "Evaluators".
import { z } from "zod";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { createQueueWorker, failure, oneByOne, pollQueue, type QueueWorker } from "../queue/poller";
import { gradeTrace } from "./grade";

const jobSchema = z.object({ id: z.union([z.number(), z.string()]), trace_id: z.string(), evaluator: z.string(), attempts: z.number() });
export type EvaluationJob = z.infer<typeof jobSchema>;

export const evaluationBackoff = { baseMs: 2000, maxMs: 300_000, maxAttempts: 5 };

/** A failed grade: a request the database or the evaluator refuses (4xx) is permanent; the rest is retried. */
function classify(error: unknown) {
  const status = error instanceof AppError ? error.status : undefined;
  return failure(error, { permanent: status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429 });
}

export function evaluationWorker(db: Database, options: { backoff?: typeof evaluationBackoff; batch?: number } = {}): QueueWorker {
  return createQueueWorker(db, {
    queue: "evaluation_jobs",
    row: jobSchema,
    batch: options.batch ?? 10,
    // a judge call may take a while; a lease outliving the model's timeout keeps a job with one instance
    leaseSeconds: 120,
    backoff: options.backoff ?? evaluationBackoff,
    work: oneByOne(async (job: EvaluationJob) => {
      await gradeTrace(db, { traceId: job.trace_id, evaluator: job.evaluator });
    }, classify),
  });
}

/** Polls the evaluation queue once per process (lib/startup.ts); pollMs 0 leaves grading to other instances. */
export function startEvaluations(db: Database, pollMs: number): void {
  if (pollMs > 0) pollQueue(evaluationWorker(db), "evaluation_jobs", pollMs);
}
