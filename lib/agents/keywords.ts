// The meaningful words of a visitor's message (pure; used by the offline model's rules).

const STOPWORDS = new Set(
  (
    "a an the and or but of for to in on at by with from into about as is are was were be been am " +
    "i im i'm me my we our you your it its this that these those there here some any something anything " +
    "need needs want wants wanted looking look find show give get got buy buying purchase recommend " +
    "recommendation suggest suggestion please thanks thank hi hello hey can could would should will do does " +
    "have has what which who how much many good best nice great like love just also really very more " +
    "one ones thing things item items product products stuff kind sort type maybe perhaps help " +
    "ok okay yes no then again now too so well"
  ).split(" "),
);

export function singular(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(xes|ses|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** The meaningful words of a visitor's message, lowercased, without filler. */
export function searchKeywords(text: string, extraStopwords: readonly string[] = []): string[] {
  const extra = new Set(extraStopwords);
  const words = text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
  const keywords: string[] = [];
  for (const raw of words) {
    const word = raw.replace(/'s$/, "");
    if (word.length < 2 || STOPWORDS.has(word) || extra.has(word) || /^\d+$/.test(word)) continue;
    if (!keywords.includes(word)) keywords.push(word);
  }
  return keywords.slice(0, 6);
}

