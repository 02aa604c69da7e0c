/**
 * The one cache for what the analysis computes once and reuses between calls: per-grid pixel
 * arrays (sky positions, solid angles, separations, mask pixel mappings), IRF offset cells and
 * fill tables, field-of-view coordinates, prepared background IRFs and their kernel tables,
 * FFT plans, and the background kernels' work memory. Entries are keyed by a namespace (what
 * is cached) and a key (what it depends on, exactly), and carry an estimate of their size;
 * above a byte cap the least recently used go. A long-running process thus stays bounded, and
 * `clear()` gives a clean start. An entry whose key holds an object's `identityKey` (a run's
 * IRF) goes when that object is collected: it can never be hit again, and would otherwise take
 * room until evicted, so that memory grew with the number of runs up to the cap.
 *
 * Values are shared: callers do not modify them (except the work memory, which its single
 * user overwrites before reading), so a hit returns exactly what a recomputation would.
 */

export interface ComputeCacheLimits {
  /** The cap on the entries' estimated bytes (default 256 MiB). */
  maxBytes?: number;
  /**
   * Larger values are returned but not kept (default a quarter of `maxBytes`): one all-sky
   * array would otherwise evict everything else, and be evicted itself before it is reused.
   */
  maxEntryBytes?: number;
}

/** Counts of one namespace, or of all together. */
export interface ComputeCacheCounts {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  evictions: number;
  /** Values too large to keep (see `maxEntryBytes`). */
  rejected: number;
}

export interface ComputeCacheStats extends ComputeCacheCounts {
  maxBytes: number;
  maxEntryBytes: number;
  namespaces: Record<string, ComputeCacheCounts>;
}

export const DEFAULT_COMPUTE_CACHE_BYTES = 256 * 2 ** 20;

/** Bytes counted per entry on top of its value's (bookkeeping, and 2 per key character): small entries are not free. */
const ENTRY_OVERHEAD = 96;

interface Space extends ComputeCacheCounts {
  readonly map: Map<string, Entry>;
}

/** An entry, on a doubly linked list from the most recently used (`newest`) to the least. */
interface Entry {
  readonly space: Space;
  readonly key: string;
  readonly value: unknown;
  readonly bytes: number;
  newer: Entry | undefined;
  older: Entry | undefined;
}

export class ComputeCache {
  private readonly spaces = new Map<string, Space>();
  /** The entries whose keys hold each identity (see `identityKey`). */
  private readonly byIdentity = new Map<string, Set<Entry>>();
  private newest: Entry | undefined;
  private oldest: Entry | undefined;
  private totalBytes = 0;
  private cap = DEFAULT_COMPUTE_CACHE_BYTES;
  private entryCap = DEFAULT_COMPUTE_CACHE_BYTES / 4;

  constructor(limits: ComputeCacheLimits = {}) {
    this.setLimits(limits);
    CACHES.add(new WeakRef(this));
  }

  get maxBytes(): number {
    return this.cap;
  }

  get maxEntryBytes(): number {
    return this.entryCap;
  }

  /** Changes the caps (an omitted `maxEntryBytes` becomes a quarter of `maxBytes`), evicting down to them. */
  setLimits(limits: ComputeCacheLimits): this {
    const maxBytes = limits.maxBytes ?? this.cap;
    const maxEntryBytes = limits.maxEntryBytes ?? maxBytes / 4;
    if (!(maxBytes >= 0) || !(maxEntryBytes >= 0))
      throw new Error(`ComputeCache: limits must be ≥ 0 bytes, got ${maxBytes}, ${maxEntryBytes}`);
    this.cap = maxBytes;
    this.entryCap = maxEntryBytes;
    this.evictAbove(maxBytes);
    return this;
  }

  /** The value kept under (namespace, key), now the most recently used; undefined (a miss) if none. */
  get<T>(namespace: string, key: string): T | undefined {
    const space = this.spaceOf(namespace);
    const entry = space.map.get(key);
    if (entry === undefined) {
      space.misses++;
      return undefined;
    }
    space.hits++;
    if (entry !== this.newest) {
      this.unlink(entry);
      this.pushNewest(entry);
    }
    return entry.value as T;
  }

  /** Whether (namespace, key) is kept, without counting a hit or a miss or refreshing it. */
  has(namespace: string, key: string): boolean {
    return this.spaces.get(namespace)?.map.has(key) ?? false;
  }

  /**
   * Keeps `value` under (namespace, key), replacing any previous one, and returns it; `bytes`
   * defaults to `estimateBytes(value)`. Evicts the least recently used entries above the cap.
   */
  set<T>(namespace: string, key: string, value: T, bytes: number = estimateBytes(value)): T {
    const space = this.spaceOf(namespace);
    const size = bytes + ENTRY_OVERHEAD + 2 * key.length;
    const old = space.map.get(key);
    if (old) this.remove(old);
    if (size > this.entryCap || size > this.cap) {
      space.rejected++;
      return value;
    }
    const entry: Entry = { space, key, value, bytes: size, newer: undefined, older: undefined };
    space.map.set(key, entry);
    space.entries++;
    space.bytes += size;
    this.totalBytes += size;
    this.pushNewest(entry);
    for (const id of identitiesIn(key)) {
      let entries = this.byIdentity.get(id);
      if (!entries) this.byIdentity.set(id, (entries = new Set()));
      entries.add(entry);
    }
    if (this.totalBytes > this.cap) this.evictAbove(this.cap);
    return value;
  }

  /** The kept value, or `compute()`'s, kept (its size by `bytes`, else estimated). */
  getOrCompute<T>(namespace: string, key: string, compute: () => T, bytes?: (value: T) => number): T {
    const space = this.spaceOf(namespace);
    if (space.map.has(key)) return this.get<T>(namespace, key) as T;
    space.misses++;
    const value = compute();
    return this.set(namespace, key, value, bytes ? bytes(value) : estimateBytes(value));
  }

  delete(namespace: string, key: string): boolean {
    const entry = this.spaces.get(namespace)?.map.get(key);
    if (entry) this.remove(entry);
    return entry !== undefined;
  }

  /**
   * Drops every entry (or one namespace's) and resets the counts: the next computation of
   * anything is a miss.
   */
  clear(namespace?: string): void {
    if (namespace !== undefined) {
      const space = this.spaces.get(namespace);
      if (!space) return;
      for (const entry of space.map.values()) this.remove(entry);
      this.spaces.delete(namespace);
      return;
    }
    this.spaces.clear();
    this.byIdentity.clear();
    this.newest = this.oldest = undefined;
    this.totalBytes = 0;
  }

  /** Entries, bytes and counts, in all and per namespace (counts since creation or the last `clear`). */
  stats(): ComputeCacheStats {
    const namespaces: Record<string, ComputeCacheCounts> = {};
    const total: ComputeCacheCounts = { entries: 0, bytes: 0, hits: 0, misses: 0, evictions: 0, rejected: 0 };
    for (const [name, s] of this.spaces) {
      const counts = {
        entries: s.entries,
        bytes: s.bytes,
        hits: s.hits,
        misses: s.misses,
        evictions: s.evictions,
        rejected: s.rejected,
      };
      namespaces[name] = counts;
      for (const k of Object.keys(total) as (keyof ComputeCacheCounts)[]) total[k] += counts[k];
    }
    return { ...total, maxBytes: this.cap, maxEntryBytes: this.entryCap, namespaces };
  }

  private spaceOf(namespace: string): Space {
    let space = this.spaces.get(namespace);
    if (space === undefined) {
      space = { map: new Map(), entries: 0, bytes: 0, hits: 0, misses: 0, evictions: 0, rejected: 0 };
      this.spaces.set(namespace, space);
    }
    return space;
  }

  private evictAbove(cap: number): void {
    while (this.totalBytes > cap && this.oldest) {
      const entry = this.oldest;
      entry.space.evictions++;
      this.remove(entry);
    }
  }

  /** Drops the entries whose keys hold identity `id` (its object was collected). */
  dropIdentity(id: string): void {
    for (const entry of this.byIdentity.get(id) ?? []) this.remove(entry);
  }

  private remove(entry: Entry): void {
    for (const id of identitiesIn(entry.key)) {
      const entries = this.byIdentity.get(id);
      entries?.delete(entry);
      if (entries?.size === 0) this.byIdentity.delete(id);
    }
    this.unlink(entry);
    entry.space.map.delete(entry.key);
    entry.space.entries--;
    entry.space.bytes -= entry.bytes;
    this.totalBytes -= entry.bytes;
  }

  private unlink(entry: Entry): void {
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    entry.newer = entry.older = undefined;
  }

  private pushNewest(entry: Entry): void {
    entry.older = this.newest;
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }
}

let processDefault: ComputeCache | undefined;

/** The process's cache, used wherever no other is passed (one per worker thread: modules are per thread). */
export function defaultComputeCache(): ComputeCache {
  processDefault ??= new ComputeCache();
  return processDefault;
}

/** Makes `cache` the process default (e.g. a test's own), returning the previous one. */
export function setDefaultComputeCache(cache: ComputeCache): ComputeCache {
  const previous = defaultComputeCache();
  processDefault = cache;
  return previous;
}

/**
 * An estimate of the memory a value holds: typed arrays and buffers by their byteLength,
 * arrays and objects by their elements and own properties (numbers 8 bytes, strings 2 per
 * character), each object counted once. Prototypes are not followed: class methods are shared.
 */
export function estimateBytes(value: unknown): number {
  return sizeOf(value, new Set(), 0);
}

function sizeOf(value: unknown, seen: Set<object>, depth: number): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "string") return 2 * value.length;
  if (typeof value !== "object" && typeof value !== "function") return 8;
  if (seen.has(value) || depth > 8) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (typeof value === "function") return 0;
  let bytes = 32;
  if (Array.isArray(value)) {
    bytes += 8 * value.length;
    for (const v of value) if (typeof v === "object" || typeof v === "string") bytes += sizeOf(v, seen, depth + 1);
    return bytes;
  }
  if (value instanceof Map || value instanceof Set) {
    for (const v of value.entries()) bytes += 16 + sizeOf(v, seen, depth + 1);
    return bytes;
  }
  for (const k of Object.keys(value)) bytes += 8 + sizeOf((value as Record<string, unknown>)[k], seen, depth + 1);
  return bytes;
}

/**
 * Object identity as a key string, for values computed from one object: ids are never reused,
 * so an entry left by a collected object cannot be hit for another.
 */
export function identityKey(object: object): string {
  let id = IDENTITIES.get(object);
  if (id === undefined) {
    id = `${IDENTITY_MARK}${++lastIdentity}`;
    IDENTITIES.set(object, id);
    COLLECTED.register(object, id);
  }
  return id;
}

/**
 * `fn()`, after which the entries keyed by objects first given an identity during it (a run's
 * IRFs, read by the run's reduction) go from every cache at once, not when those objects are
 * collected. For work that never sees those objects again: a worker's task of one run. Waiting
 * for the collection kept each run's prepared background IRFs and kernel tables (~1.5 MB) two
 * collections longer, interleaved in glibc's per-thread arenas with the next runs' buffers: with
 * 2 workers the process's resident memory then climbed ~0.9 MiB a run through the 105 DR1 runs
 * (272–284 → 357–390 MiB), with this ~0.2 (283–286 → 301–307). An object given its identity
 * during `fn` that outlives it (a class) merely has its entries computed again once.
 */
export function withRunScope<T>(fn: () => T): T {
  const mark = lastIdentity;
  try {
    return fn();
  } finally {
    for (let id = mark + 1; id <= lastIdentity; id++) dropFromEveryCache(`${IDENTITY_MARK}${id}`);
  }
}

function dropFromEveryCache(id: string): void {
  for (const ref of CACHES) {
    const cache = ref.deref();
    if (cache) cache.dropIdentity(id);
    else CACHES.delete(ref);
  }
}

// weak: an object's id goes with it, and so do the entries keyed by it, in every cache
const IDENTITIES = new WeakMap<object, string>();
let lastIdentity = 0;
const IDENTITY_MARK = "#id";
const IDENTITY_PATTERN = /#id\d+/g;
const CACHES = new Set<WeakRef<ComputeCache>>();
const COLLECTED = new FinalizationRegistry<string>(dropFromEveryCache);

/** The identities (`identityKey`s) a cache key holds. */
function identitiesIn(key: string): string[] {
  return key.includes(IDENTITY_MARK) ? (key.match(IDENTITY_PATTERN) ?? []) : [];
}

/** A number as a cache-key string that tells −0 from 0 (it can change the sign of a zero result). */
export function exactKey(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}
