import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { createClient } from "@supabase/supabase-js";
import { env } from "../env";
import type { VoiceConfig } from "./config";

// Where audio lives, behind one small interface: Supabase Storage when Supabase is configured
// (bucket AUDIO_BUCKET, private), else a folder beside the embedded data (AUDIO_DIR, default
// `<PGLITE_DIR>/../audio`). Served by GET /api/audio/{name} to the visitor who owns it and operators
// (lib/voice/access.ts); names are random uuids. Deleted with the rows that name them (lib/voice/deletions.ts).

export interface AudioStore {
  put(name: string, bytes: Uint8Array, mimeType: string): Promise<void>;
  get(name: string): Promise<{ bytes: Uint8Array; mimeType: string } | null>;
  /** Removes a file; one already gone is not an error (deletions are retried: lib/voice/deletions.ts). */
  delete(name: string): Promise<void>;
  /** The names of the stored files older than `minAgeMs` (at most `limit`), for the sweep of files no row names. */
  list(minAgeMs: number, limit?: number): Promise<string[]>;
}

export const audioName = /^[0-9a-f-]{36}\.(webm|ogg|mp3|m4a|wav|aac|amr)$/;

const typeOf: Record<string, string> = { webm: "audio/webm", ogg: "audio/ogg", mp3: "audio/mpeg", m4a: "audio/mp4", wav: "audio/wav", aac: "audio/aac", amr: "audio/amr" };

function folderStore(dir: string): AudioStore {
  return {
    async put(name, bytes) {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, name), bytes, { flag: "wx" });
    },
    async get(name) {
      if (!audioName.test(name)) return null;
      try {
        return { bytes: await readFile(path.join(dir, name)), mimeType: typeOf[name.split(".").pop()!] };
      } catch {
        return null;
      }
    },
    async delete(name) {
      if (!audioName.test(name)) return;
      await rm(path.join(dir, name), { force: true });
    },
    async list(minAgeMs, limit = 10_000) {
      const names = await readdir(dir).catch(() => [] as string[]);
      const old: string[] = [];
      for (const name of names.filter((n) => audioName.test(n))) {
        const s = await stat(path.join(dir, name)).catch(() => null);
        if (s && Date.now() - s.mtimeMs >= minAgeMs) old.push(name);
        if (old.length >= limit) break;
      }
      return old;
    },
  };
}

function supabaseStore(url: string, key: string, bucket: string): AudioStore {
  const storage = createClient(url, key, { auth: { persistSession: false } }).storage;
  return {
    async put(name, bytes, mimeType) {
      const { error } = await storage.from(bucket).upload(name, bytes, { contentType: mimeType, upsert: false });
      if (error) throw new Error(`Supabase Storage upload failed: ${error.message}`);
    },
    async get(name) {
      if (!audioName.test(name)) return null;
      const { data, error } = await storage.from(bucket).download(name);
      if (error || !data) return null;
      return { bytes: new Uint8Array(await data.arrayBuffer()), mimeType: typeOf[name.split(".").pop()!] };
    },
    async delete(name) {
      if (!audioName.test(name)) return;
      // removing a missing object succeeds with an empty list
      const { error } = await storage.from(bucket).remove([name]);
      if (error) throw new Error(`Supabase Storage remove failed: ${error.message}`);
    },
    async list(minAgeMs, limit = 10_000) {
      const old: string[] = [];
      for (let offset = 0; old.length < limit; offset += 1000) {
        const { data, error } = await storage.from(bucket).list("", { limit: 1000, offset, sortBy: { column: "created_at", order: "asc" } });
        if (error) throw new Error(`Supabase Storage list failed: ${error.message}`);
        for (const f of data ?? []) {
          if (audioName.test(f.name) && f.created_at && Date.now() - Date.parse(f.created_at) >= minAgeMs) old.push(f.name);
        }
        if (!data || data.length < 1000) break;
      }
      return old.slice(0, limit);
    },
  };
}

export function audioStore(config: VoiceConfig): AudioStore {
  const e = env();
  if (e.NEXT_PUBLIC_SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY) return supabaseStore(e.NEXT_PUBLIC_SUPABASE_URL, e.SUPABASE_SERVICE_ROLE_KEY, config.bucket);
  return folderStore(path.resolve(config.audioDir ?? path.join(path.dirname(path.resolve(config.pgliteDir)), "audio")));
}

export const audioUrl = (name: string) => `/api/audio/${name}`;
