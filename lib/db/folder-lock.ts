import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

// One process per PGlite folder. The lock file holds the owner's pid; it is
// taken over only when that process is gone. (An mtime-refreshed lock such as
// proper-lockfile's goes stale while PGlite's synchronous WASM blocks the event
// loop, letting a second process in: seen in tests/db/pglite-lock.test.ts.)

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the folder's lock, or returns the pid that holds it. */
export function lockFolder(dir: string): { release: () => void } | { heldBy: number } {
  const file = path.join(dir, "threadline.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        try {
          if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(file, "utf8").trim());
      if (holder && holder !== process.pid && alive(holder)) return { heldBy: holder };
      if (holder === process.pid) return { heldBy: holder };
      rmSync(file, { force: true }); // the holder died: take over
    }
  }
  throw new Error(`Could not lock ${dir}`);
}
