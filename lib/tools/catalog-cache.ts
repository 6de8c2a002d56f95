// Catalog reads kept for a minute: the catalog is reference data, so a repeated search or
// lookup needs no extra round trip (a turn stays begin_turn + finish_turn when warm; see
// docs/architecture.md "Tools"). Never the only copy of anything: the database has it.

const ttlMs = 60_000;
const maxEntries = 500;
const key = Symbol.for("threadline.catalog-cache");
type Holder = { [key]?: Map<string, { at: number; value: Promise<unknown> }> };

export function cachedRead<T>(name: string, load: () => Promise<T>): Promise<T> {
  const holder = globalThis as Holder;
  const cache = (holder[key] ??= new Map());
  const hit = cache.get(name);
  if (hit && Date.now() - hit.at < ttlMs) return hit.value as Promise<T>;
  if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
  const value = load();
  cache.set(name, { at: Date.now(), value });
  value.catch(() => cache.delete(name));
  return value;
}
