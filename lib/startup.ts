import { database } from "./db";
import { log } from "./log";
import { adminTokenReady, sessionSecret } from "./settings";
import { defaultAgentProblem, enabledAgents } from "./chat/default-agent";
import { startMaintenance } from "./chat/maintenance";
import { configureRetention } from "./chat/retention";
import { ensureModels } from "./chat/available-models";
import { env } from "./env";
import { startTelemetry } from "./telemetry/start";
import { whatsappWorker } from "./channels/whatsapp/start";
import { startAudioDeletions } from "./voice/deletions";
import { startEvaluations } from "./evaluators/worker";
import { startExperiments } from "./experiments/worker";

export async function startup(): Promise<void> {
  try {
    env();
  } catch (error) {
    // a bad setting (say, an ADMIN_TOKEN under 32 characters) stops the server with a clear message
    log("server.refused", { error: (error as Error).message }, "error");
    process.exit(1);
  }
  try {
    const db = await database();
    await Promise.all([sessionSecret(db), adminTokenReady(db), ensureModels(db)]);
    await startTelemetry(db, env().PII_MASKING).catch((error) =>
      log("telemetry.not_started", { error: String((error as Error)?.message ?? error) }, "error"),
    );
    // the WhatsApp channel's inbox and outbox poller (lib/channels/whatsapp), when configured
    whatsappWorker(db);
    // audio files of erased or deleted messages (lib/voice/deletions.ts)
    startAudioDeletions(db);
    // online evaluation: grades the jobs new traces queued (lib/evaluators/worker.ts)
    startEvaluations(db, env().EVALUATION_POLL_MS);
    // experiments' replays (lib/experiments/worker.ts), in the background on the one queue mechanism
    startExperiments(db);
    const { migration_version } = await db.rpc("app_health");
    await checkDefaultAgent(db);
    log("server.started", { backend: db.backend, migrationVersion: migration_version });
    const e = env();
    // the retention limit goes where pg_cron's job and every instance's timer read it
    await configureRetention(db, e.RETENTION_DAYS);
    // idle sessions end even when nobody writes again (pg_cron, or this instance's timer)
    await startMaintenance(db, { intervalSeconds: e.MAINTENANCE_INTERVAL_SECONDS, idleMinutes: e.SESSION_IDLE_MINUTES }).catch((error: unknown) =>
      log("maintenance.failed", { error: String((error as Error).message ?? error) }, "warn"),
    );
  } catch (error) {
    if ((error as Error).name === "DatabaseLockedError" || (error as Error).name === "MisconfiguredError") {
      log("server.refused", { error: (error as Error).message }, "error");
      process.exit(1);
    }
    // the database may come back later; requests answer 503 until it does
    log("server.database_unavailable", { error: String((error as Error).message ?? error) }, "warn");
  }
}

class MisconfiguredError extends Error {
  name = "MisconfiguredError";
}

/** DEFAULT_AGENT must name an enabled agent: a clear message and no start otherwise. */
async function checkDefaultAgent(db: Awaited<ReturnType<typeof database>>): Promise<void> {
  const defaultAgent = env().DEFAULT_AGENT;
  let enabled;
  try {
    enabled = await enabledAgents(db);
  } catch (error) {
    log("server.default_agent_unchecked", { defaultAgent, error: String((error as Error).message ?? error) }, "warn");
    return;
  }
  const problem = defaultAgentProblem(defaultAgent, enabled);
  if (problem) throw new MisconfiguredError(problem);
}
