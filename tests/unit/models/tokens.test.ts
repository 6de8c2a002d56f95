import { describe, expect, it } from "vitest";
import { countTokens, countTokensOnce, tokenCountRemembered } from "../../../lib/models/tokens";

// The remembered counts (lib/models/tokens.ts) hold the histories of more sessions than a busy
// server answers in turn: 256 sessions of 20 messages each, visited round robin as the bench's
// continued turns visit them, are all still remembered when each session's next turn comes.

describe("countTokensOnce", () => {
  it("remembers 256 sessions' 20-message histories across a round of their turns", () => {
    const message = (session: number, i: number) => JSON.stringify({ role: i % 2 ? "assistant" : "user", content: [{ type: "text", text: `session ${session} message ${i}: a warm jacket for the hike` }] });
    for (let round = 0; round < 2; round++) {
      for (let session = 0; session < 256; session++) {
        for (let i = 0; i < 20; i++) countTokensOnce(message(session, i));
      }
    }
    for (let session = 0; session < 256; session++) {
      for (let i = 0; i < 20; i++) expect(tokenCountRemembered(message(session, i))).toBe(true);
    }
    expect(countTokensOnce(message(0, 0))).toBe(countTokens(message(0, 0)));
  });

  it("stays bounded: the oldest texts are forgotten past the bound", () => {
    countTokensOnce("the very first text");
    for (let i = 0; i < 40_000; i++) countTokensOnce(`filler ${i}`);
    expect(tokenCountRemembered("the very first text")).toBe(false);
  });
});
