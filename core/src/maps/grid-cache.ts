/**
 * A small least-recently-used cache of per-grid arrays (pixel sky positions, solid angles,
 * separations), shared by all geometries with the same WCS and shape: a run's cutouts, its
 * counts and exposure geometries, and successive runs on one target all repeat the same grid.
 * Bounded by bytes so that large all-sky grids do not pin memory.
 */
const MAX_BYTES = 96 * 2 ** 20;

type Cached = Float64Array | Int32Array;
type Entry = { value: Cached[]; bytes: number };

const entries = new Map<string, Entry>();
let totalBytes = 0;

export function gridCacheGet<T extends Cached = Float64Array>(key: string): T[] | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  // re-insert: Map iteration order is insertion order, the first entry the least recent
  entries.delete(key);
  entries.set(key, entry);
  return entry.value as T[];
}

export function gridCacheSet(key: string, value: Cached[]): void {
  const bytes = value.reduce((n, a) => n + a.byteLength, 0);
  if (bytes > MAX_BYTES / 4) return;
  const old = entries.get(key);
  if (old) {
    totalBytes -= old.bytes;
    entries.delete(key);
  }
  entries.set(key, { value, bytes });
  totalBytes += bytes;
  for (const [k, e] of entries) {
    if (totalBytes <= MAX_BYTES) break;
    entries.delete(k);
    totalBytes -= e.bytes;
  }
}

/** A number as a cache-key string that tells −0 from 0 (it can change the sign of a zero result). */
export function exactKey(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}
