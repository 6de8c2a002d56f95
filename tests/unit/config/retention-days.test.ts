import { afterEach, describe, expect, it, vi } from "vitest";

// RETENTION_DAYS is validated once at start (lib/env.ts): unset keeps everything, a bad value
// stops the server with a message naming it.

describe("RETENTION_DAYS", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });
  const load = async () => (await import("@/lib/env")).env();

  it("unset or empty keeps everything", async () => {
    vi.stubEnv("RETENTION_DAYS", "");
    expect((await load()).RETENTION_DAYS).toBeUndefined();
  });

  it("is a whole number of days", async () => {
    vi.stubEnv("RETENTION_DAYS", "30");
    expect((await load()).RETENTION_DAYS).toBe(30);
  });

  it.each(["0", "-1", "abc", "1.5", "40000"])("refuses %s", async (value) => {
    vi.stubEnv("RETENTION_DAYS", value);
    await expect(load()).rejects.toThrow(/RETENTION_DAYS/);
  });
});
