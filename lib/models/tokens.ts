// Token counting with a real BPE tokenizer (gpt-tokenizer, o200k_base: GPT-4o / GPT-5 family).
import { countTokens as countWithTokenizer } from "gpt-tokenizer";
import { LRUCache } from "lru-cache";

// Text that happens to contain "<|endoftext|>" etc. is counted as plain text instead of throwing.
const plainText = { disallowedSpecial: new Set<string>() };

/** Number of tokens in a text. */
export function countTokens(text: string): number {
  return text ? countWithTokenizer(text, plainText) : 0;
}

// Texts a conversation sends again and again (an agent's instructions and tools, the session's
// earlier messages): counted once, then remembered. Bounded by entries and by characters, so
// memory does not grow with traffic (docs/performance.md, "Memory"). Room for the histories of a few
// thousand active sessions (20 messages each): with 4,096 entries, 256 sessions answered in turn
// (the bench's continued turns) pushed every message out before its session's next turn, and each
// turn tokenized its whole history again (docs/performance.md, "What the chat route adds over the floor").
const known = new LRUCache<string, number>({ max: 32_768, maxSize: 8_000_000, sizeCalculation: (_n, text) => Math.max(1, text.length) });

/** Whether a text's count is remembered (tests). */
export function tokenCountRemembered(text: string): boolean {
  return known.has(text);
}

/** countTokens, remembering the count of a text seen before (only new text is tokenized). */
export function countTokensOnce(text: string): number {
  if (!text) return 0;
  const hit = known.get(text);
  if (hit !== undefined) return hit;
  const n = countTokens(text);
  known.set(text, n);
  return n;
}
