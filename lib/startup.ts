import { database } from "./db";
import { log } from "./log";
import { env } from "./env";
import { adminTokenReady, sessionSecret } from "./settings";
import { ensureModels } from "./chat/models";

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
    const { migration_version } = await db.rpc<{ migration_version: string | null }>("app_health");
    log("server.started", { backend: db.backend, migrationVersion: migration_version });
  } catch (error) {
    if ((error as Error).name === "DatabaseLockedError") {
      log("server.refused", { error: (error as Error).message }, "error");
      process.exit(1);
    }
    // the database may come back later; requests answer 503 until it does
    log("server.database_unavailable", { error: String((error as Error).message ?? error) }, "warn");
  }
}
