import type { Database } from "../db/types";
import { log } from "../log";
import { voiceConfig } from "./config";
import { audioStore, type AudioStore } from "./store";

// Audio files leave with the rows that name them (docs/channels.md, "Erasure and audio files"):
// deleting a message with an audio_url queues the file's name in audio_deletions in the same
// transaction; here the files are removed from the store and only then their names from the
// queue, so a crash in between leaves the name queued and the next pass deletes the file.

const leaseSeconds = 300;
const sweepMs = 60_000;
/** Files no row names are looked for every 10 minutes, among those older than 10 minutes (a recording is written just before it is registered). */
const unnamedEvery = 10;
const unnamedMinAgeMs = 10 * 60_000;

/** Deletes the queued files that are due; returns how many names left the queue. */
export async function deleteQueuedAudio(db: Database, store: AudioStore = audioStore(voiceConfig()), limit = 100): Promise<number> {
  let deleted = 0;
  for (;;) {
    const names = await db.rpc("claim_audio_deletions", { p_limit: limit, p_lease_seconds: leaseSeconds });
    if (names.length === 0) return deleted;
    const gone: string[] = [];
    const failed: string[] = [];
    let error: string | null = null;
    for (const name of names) {
      try {
        await store.delete(name);
        gone.push(name);
      } catch (e) {
        failed.push(name);
        error = String((e as Error)?.message ?? e);
      }
    }
    const r = await db.rpc("settle_audio_deletions", { p_deleted: gone, p_failed: failed, p_error: error });
    deleted += r.deleted;
    if (failed.length > 0) {
      // the failed names wait for their lease to end
      log("voice.audio_delete_failed", { failed: failed.length, error }, "warn");
      return deleted;
    }
    if (names.length < limit) return deleted;
  }
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

const key = Symbol.for("threadline.audio-deletions");
type Holder = { [key]?: NodeJS.Timeout };

/** One unref'd timer per process (lib/startup.ts) for what an erasure's own pass left behind, and now and then the unnamed files. */
export function startAudioDeletions(db: Database): void {
  const holder = globalThis as Holder;
  if (holder[key]) return;
  let passes = 0;
  holder[key] = setInterval(() => {
    const sweep = ++passes % unnamedEvery === 0;
    deleteQueuedAudio(db)
      .then(() => (sweep ? sweepUnnamedAudio(db) : 0))
      .catch((error) => log("voice.audio_delete_failed", { error: String((error as Error)?.message ?? error) }, "warn"));
  }, sweepMs);
  holder[key].unref();
}
