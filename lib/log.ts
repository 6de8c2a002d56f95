// One JSON line per event on stdout: {ts, level, event, ...fields}.
type Level = "info" | "warn" | "error";

export function log(event: string, fields: Record<string, unknown> = {}, level: Level = "info"): void {
  const line = JSON.stringify({ ts: new Date().toISOString(), level, event, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}
