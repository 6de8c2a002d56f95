import { z } from "zod";
import { log } from "../log";
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
/** Files no row names are looked for every 10 minutes, among those older than 10 minutes (a recording is written just before it is registered). */
const unnamedEvery = 10;
const unnamedMinAgeMs = 10 * 60_000;
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

/**
 * Queues the stored files that no row names (a crash between writing a recording and registering
 * it) and deletes them with the queue; returns how many were queued.
 */
export async function sweepUnnamedAudio(db: Database, store: AudioStore = audioStore(voiceConfig()), minAgeMs = unnamedMinAgeMs): Promise<number> {
  const names = await store.list(minAgeMs);
  let queued = 0;
  for (let i = 0; i < names.length; i += 500) {
    queued += (await db.rpc("queue_unnamed_audio", { p_names: names.slice(i, i + 500) })).queued;
  }
  if (queued > 0) {
    log("voice.unnamed_audio_queued", { queued });
    await deleteQueuedAudio(db, store);
  }
  return queued;
}

const key = Symbol.for("threadline.audio-sweep");
type Holder = { [key]?: NodeJS.Timeout };

/**
 * On the queue poller (lib/startup.ts): what an erasure's own pass left behind; and on one unref'd
 * timer per process, now and then, the files no row names.
 */
export function startAudioDeletions(db: Database): void {
  pollQueue(audioWorker(db, audioStore(voiceConfig()), 100), "audio_deletions", sweepMs);
  const holder = globalThis as Holder;
  if (holder[key]) return;
  holder[key] = setInterval(() => {
    sweepUnnamedAudio(db).catch((error) => log("voice.audio_delete_failed", { error: String((error as Error)?.message ?? error) }, "warn"));
  }, sweepMs * unnamedEvery);
  holder[key].unref();
}
