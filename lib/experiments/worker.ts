import { z } from "zod";
import type { Database } from "../db/types";
import { createQueueWorker, failure, oneByOne, pollQueue, type QueueWorker } from "../queue/poller";
import { log } from "../log";
import type { Grading } from "./grade";
import { replayItem } from "./replay";

// Experiments run in the background on the one queue mechanism (docs/architecture.md, "Queues"):
// each experiment item is a row of the queue `experiment_items`, claimed with a lease by any
// instance, replayed (replay.ts) and settled; a failed replay is retried with the backoff, and one
// that reaches the dead letter fails its item so the run still ends.

const rowSchema = z.object({ id: z.string(), experiment_id: z.string(), attempts: z.number() });
const pollMs = 5_000;

export function experimentWorker(db: Database, grading?: Grading): QueueWorker {
  return createQueueWorker(db, {
    queue: "experiment_items",
    row: rowSchema,
    batch: 5,
    // a replay runs a whole conversation through the model: a long lease
    leaseSeconds: 900,
    backoff: { baseMs: 5_000, maxMs: 60_000 },
    work: oneByOne(async (row: z.infer<typeof rowSchema>) => replayItem(db, row.id, grading), (error) => failure(error)),
  });
}

type Holder = { [key: symbol]: QueueWorker | undefined };
const key = Symbol.for("threadline.experiments.worker");

/** This process's worker (one per process), polling the queue on an unref'd timer. */
export function startExperiments(db: Database): QueueWorker {
  const holder = globalThis as unknown as Holder;
  const worker = (holder[key] ??= experimentWorker(db));
  pollQueue(worker, "experiment_items", pollMs);
  return worker;
}

/** A new experiment's items are worked now, in the background (the poller picks up whatever this misses). */
export function kickExperiments(db: Database): void {
  startExperiments(db)
    .run()
    .catch((error) => log("experiments.run_failed", { error: String((error as Error)?.message ?? error) }, "warn"));
}
