// Token counting with a real BPE tokenizer (gpt-tokenizer, o200k_base: GPT-4o / GPT-5 family).
import { countTokens as countWithTokenizer } from "gpt-tokenizer";

// Text that happens to contain "<|endoftext|>" etc. is counted as plain text instead of throwing.
const plainText = { disallowedSpecial: new Set<string>() };

/** Number of tokens in a text. */
export function countTokens(text: string): number {
  return text ? countWithTokenizer(text, plainText) : 0;
}
