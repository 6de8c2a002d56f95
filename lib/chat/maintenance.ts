import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";
import { log } from "../log";
import { logSessionEnded } from "./endings";
import { runRetention } from "./retention";

// The periodic session job, public.run_maintenance (docs/architecture.md, "Session lifecycle"):
// pg_cron runs it where the database has it; anywhere else every app instance runs it on an
// unref'd timer. Instances running it at once are safe: the SQL locks sessions with skip locked.

export type MaintenanceRun = RpcResultOf<"run_maintenance">;

export interface MaintenanceOptions {
  /** seconds between runs on the app's timer; 0 turns the timer off */
  intervalSeconds: number;
  idleMinutes: number;
}

export interface Maintenance {
  scheduler: "pg_cron" | "app" | "off";
  /** the app timer's first run (started at once); null where the app does not run it */
  firstRun: Promise<MaintenanceRun | null>;
  stop(): void;
}

/** One run: closes idle sessions (one `session.ended` line each), forgets finished rate-limit windows, applies RETENTION_DAYS. */
export async function runMaintenance(db: Database, idleMinutes: number): Promise<MaintenanceRun> {
  const run = await db.rpc("run_maintenance", { p_idle_minutes: idleMinutes });
  for (const ending of run.sessions) logSessionEnded(ending, { by: "maintenance" });
  if (run.closed > 0 || run.rate_limit_windows_deleted > 0) {
    log("maintenance.ran", { closedSessions: run.closed, rateLimitWindowsDeleted: run.rate_limit_windows_deleted });
  }
  await runRetention(db);
  return run;
}

export async function startMaintenance(db: Database, options: MaintenanceOptions): Promise<Maintenance> {
  const idle: Maintenance = { scheduler: "off", firstRun: Promise.resolve(null), stop() {} };
  // SESSION_IDLE_MINUTES goes where pg_cron's job (run_maintenance() without an argument) reads it
  await db.rpc("configure_maintenance", { p_idle_minutes: options.idleMinutes });
  const found = await db.rpc("maintenance_scheduler");
  if (found.scheduler === "pg_cron") {
    log("maintenance.scheduled", { scheduler: "pg_cron", job: found.job, schedule: found.schedule });
    return { ...idle, scheduler: "pg_cron" };
  }
  if (options.intervalSeconds <= 0) {
    log("maintenance.scheduled", { scheduler: "off" }, "warn");
    return idle;
  }
  let running: Promise<MaintenanceRun | null> | null = null;
  const tick = (): Promise<MaintenanceRun | null> => {
    // one run at a time per instance; a slow run is not stacked on
    running ??= runMaintenance(db, options.idleMinutes)
      .catch((error: unknown) => {
        log("maintenance.failed", { error: String((error as Error).message ?? error) }, "warn");
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalSeconds * 1000);
  timer.unref();
  log("maintenance.scheduled", { scheduler: "app", intervalSeconds: options.intervalSeconds, idleMinutes: options.idleMinutes });
  return { scheduler: "app", firstRun: tick(), stop: () => clearInterval(timer) };
}
