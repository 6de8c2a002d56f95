// Chooses the chat model from configuration: the offline model unless LLM_BASE_URL is set.
import type { ChatModel } from "./types";
import { createOfflineLanguageModel, offlineModelInfo, parseDelayMs, type OfflineModelOptions } from "./offline";
import { createOpenAICompatibleModel } from "./openai-compatible";

export interface ModelEnv {
  LLM_BASE_URL?: string;
  LLM_API_KEY?: string;
  LLM_MODEL?: string;
  OFFLINE_MODEL_DELAY_MS?: string;
}

/** An empty or blank value counts as unset. */
function setting(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The offline model when LLM_BASE_URL is unset (or empty), else the OpenAI-compatible
 * model named by LLM_MODEL (required then). OFFLINE_MODEL_DELAY_MS, when given here,
 * overrides the process environment for the offline model.
 */
export function modelFromEnv(env: ModelEnv): ChatModel {
  const baseURL = setting(env.LLM_BASE_URL);
  if (!baseURL) {
    const delay = setting(env.OFFLINE_MODEL_DELAY_MS);
    return createOfflineModel(delay === undefined ? {} : { delayMs: parseDelayMs(delay) });
  }
  const model = setting(env.LLM_MODEL);
  if (!model) throw new Error("LLM_MODEL must be set when LLM_BASE_URL is set.");
  return createOpenAICompatibleModel({ baseURL, apiKey: setting(env.LLM_API_KEY), model });
}

/** The offline model as this instance registers it. */
export function createOfflineModel(options: OfflineModelOptions = {}): ChatModel {
  return { info: { ...offlineModelInfo }, languageModel: createOfflineLanguageModel(options), maxRetries: 0 };
}
