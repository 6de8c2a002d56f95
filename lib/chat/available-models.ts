import type { Database } from "../db/types";
import { env } from "../env";
import { AppError } from "../errors";
import { modelFromEnv } from "../models/from-env";
import type { ChatModel } from "./types";

// The models this instance can run: the offline model always, plus the
// OpenAI-compatible one when LLM_BASE_URL is set (then it is the default).
// Each is registered in llm_models once per process.

const key = Symbol.for("threadline.models");
type Holder = { [key]?: { models: Map<string, ChatModel>; defaultKey: string; registered?: Promise<void> } };

function models() {
  const holder = globalThis as Holder;
  if (!holder[key]) {
    const e = env();
    const offline = modelFromEnv({});
    const configured = modelFromEnv({ LLM_BASE_URL: e.LLM_BASE_URL, LLM_API_KEY: e.LLM_API_KEY, LLM_MODEL: e.LLM_MODEL });
    const map = new Map<string, ChatModel>([[offline.info.key, offline], [configured.info.key, configured]]);
    holder[key] = { models: map, defaultKey: configured.info.key };
  }
  return holder[key]!;
}

export function defaultModelKey(): string {
  return models().defaultKey;
}

export function chatModelFor(modelKey: string): ChatModel {
  const model = models().models.get(modelKey);
  if (!model) throw new AppError("unavailable:model", `Model ${modelKey} is not configured on this server.`, { retryAfter: 30 });
  return model;
}

export function hasModel(modelKey: string): boolean {
  return models().models.has(modelKey);
}

/** A model a visitor may ask for: one this instance can run (400 otherwise). */
export function assertModelAvailable(modelKey: string): void {
  if (!models().models.has(modelKey)) throw new AppError("bad_request:model", `Unknown model ${modelKey}.`);
}

/** Registers this instance's models (idempotent upsert, once per process). */
export function ensureModels(db: Database): Promise<void> {
  const state = models();
  if (!state.registered) {
    const experiment = env().LLM_EXPERIMENT_NAME ?? null;
    state.registered = Promise.all(
      [...state.models.values()].map((m) =>
        db.rpc("register_model", {
          p_key: m.info.key,
          p_name: m.info.name,
          p_provider: m.info.provider,
          p_experiment_name: m.info.provider === "offline" ? null : experiment,
        }),
      ),
    ).then(() => undefined);
    state.registered.catch(() => (state.registered = undefined));
  }
  return state.registered;
}
