// The offline model's usage() for continued turns, 256 sessions round robin, 20-message histories,
// 3 model steps per turn: remembered counts with 4,096 vs 32,768 entries, alternated.
import { countTokens } from "gpt-tokenizer";
import { LRUCache } from "lru-cache";
const plain = { disallowedSpecial: new Set<string>() };
const make = (max: number) => {
  const known = new LRUCache<string, number>({ max, maxSize: 8_000_000, sizeCalculation: (_n, t) => Math.max(1, t.length) });
  return (text: string) => { const hit = known.get(text); if (hit !== undefined) return hit; const n = countTokens(text, plain); known.set(text, n); return n; };
};
const words = ["warm", "light", "waterproof", "tent", "jacket", "stove", "hike", "trip", "camp", "boots", "sleeping", "bag"];
let seed = 1; const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
const pick = () => words[Math.floor(rnd() * words.length)];
const question = () => `a ${pick()} ${pick()} ${pick()} for the ${pick()}`;
const reply = () => `Here are a few options: the ${pick()} ${pick()} (€${Math.floor(rnd() * 300)}), the ${pick()} ${pick()} and the ${pick()} ${pick()}. ` + "All three are in stock at the Lisbon store and ship within two days; ask me for details of any of them. ".repeat(2);
const msg = (role: string, text: string) => JSON.stringify({ role, content: [{ type: "text", text }] });
function run(count: (t: string) => number, turns: number, histories: string[][]) {
  const t0 = process.cpuUsage();
  for (let t = 0; t < turns; t++) {
    const h = histories[t % histories.length];
    h.push(msg("user", question()));
    const system = msg("system", "instructions ".repeat(60));
    for (let step = 0; step < 3; step++) {
      let n = count(system);
      for (const m of h.slice(-20)) n += count(m);
      if (step > 0) n += count(msg("tool", `result ${t} ${step} ${"x".repeat(400)}`));
    }
    h.push(msg("assistant", reply()));
    if (h.length > 20) h.splice(0, h.length - 20);
  }
  const u = process.cpuUsage(t0);
  return (u.user + u.system) / 1000 / turns;
}
const mk = () => Array.from({ length: 256 }, () => [] as string[]);
const state = { small: { count: make(4096), h: mk() }, big: { count: make(32768), h: mk() } };
for (const s of Object.values(state)) run(s.count, 256 * 12, s.h); // histories of 20 messages, caches warm
const res: Record<string, number[]> = { small: [], big: [] };
for (let round = 0; round < 6; round++) {
  for (const k of round % 2 ? (["big", "small"] as const) : (["small", "big"] as const)) res[k].push(run(state[k].count, 2048, state[k].h));
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`CPU ms per turn (median of 6 alternated rounds of 2,048 turns): 4,096 entries ${med(res.small).toFixed(3)} [${res.small.map((x) => x.toFixed(3)).join(", ")}], 32,768 entries ${med(res.big).toFixed(3)} [${res.big.map((x) => x.toFixed(3)).join(", ")}]`);
