import { z } from "zod";
import type { Database } from "../db/types";
import { createQueueWorker, failure, oneByOne, pollQueue, type QueueWorker } from "../queue/poller";
import { voiceConfig } from "./config";
import { audioStore, type AudioStore } from "./store";

// Audio files leave with the rows that name them (docs/channels.md, "Erasure and audio files"):
// deleting a message with an audio_url queues the file's name in audio_deletions in the same
// transaction; here, on the one queue poller (lib/queue), the files are removed from the store and
// only then their names from the queue, so a crash in between leaves the name queued (leased) and
// the next pass after the lease deletes the file.

const sweepMs = 60_000;
const rowSchema = z.object({ id: z.string(), attempts: z.number() });

function audioWorker(db: Database, store: AudioStore, batch: number): QueueWorker {
  return createQueueWorker(db, {
    queue: "audio_deletions", row: rowSchema, batch, leaseSeconds: 300,
    backoff: { baseMs: 10_000, maxMs: 3_600_000 },
    work: oneByOne(async (row: z.infer<typeof rowSchema>) => store.delete(row.id), (error) => failure(error)),
  });
}

/** Deletes the queued files that are due; returns how many names left the queue. */
export async function deleteQueuedAudio(db: Database, store: AudioStore = audioStore(voiceConfig()), limit = 100): Promise<number> {
  return (await audioWorker(db, store, limit).run()).done;
}

/** One unref'd timer per process (lib/startup.ts) for what an erasure's own pass left behind. */
export function startAudioDeletions(db: Database): void {
  pollQueue(audioWorker(db, audioStore(voiceConfig()), 100), "audio_deletions", sweepMs);
}
