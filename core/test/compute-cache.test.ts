import { test } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { SkyCoord } from "../src/coords/index.js";
import {
  ComputeCache,
  defaultComputeCache,
  estimateBytes,
  identityKey,
  setDefaultComputeCache,
  WcsGeom,
  withRunScope,
} from "../src/maps/index.js";

/** The bytes an entry counts besides its value's (ComputeCache's bookkeeping, 2 per key character). */
const overhead = (key: string) => 96 + 2 * key.length;

/** Runs `fn` with `cache` as the process default, then restores the previous one. */
function withDefault<T>(cache: ComputeCache, fn: () => T): T {
  const previous = setDefaultComputeCache(cache);
  try {
    return fn();
  } finally {
    setDefaultComputeCache(previous);
  }
}

function sameBits(
  a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number },
  b: typeof a,
  what: string,
): void {
  assert.equal(a.length, b.length, `${what}: length`);
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  assert.ok(Buffer.compare(x, y) === 0, `${what}: not bit for bit the same`);
}

test("ComputeCache evicts the least recently used entries above its byte cap", () => {
  const entry = 1000 + overhead("a");
  const cache = new ComputeCache({ maxBytes: 3 * entry, maxEntryBytes: 3 * entry });
  for (const key of ["a", "b", "c"]) cache.set("ns", key, new Uint8Array(1000));
  assert.equal(cache.stats().bytes, 3 * entry);
  assert.ok(cache.get("ns", "a"), "a is now the most recently used");
  cache.set("ns", "d", new Uint8Array(1000));
  assert.equal(cache.has("ns", "b"), false, "b, the least recently used, is evicted");
  assert.deepEqual(
    ["a", "c", "d"].map((k) => cache.has("ns", k)),
    [true, true, true],
  );
  cache.set("other", "e", new Float64Array(125)); // 1000 bytes, another namespace: one LRU order for all
  assert.equal(cache.has("ns", "c"), false);
  const stats = cache.stats();
  assert.equal(stats.entries, 3);
  assert.equal(stats.bytes, 3 * entry);
  assert.equal(stats.evictions, 2);
  assert.ok(stats.bytes <= stats.maxBytes);
  // a lower cap evicts at once, oldest first
  cache.setLimits({ maxBytes: entry, maxEntryBytes: entry });
  assert.deepEqual([cache.has("ns", "a"), cache.has("ns", "d"), cache.has("other", "e")], [false, false, true]);
  // values above the entry cap are returned but not kept
  const big = new Uint8Array(5000);
  assert.equal(cache.set("ns", "big", big), big);
  assert.equal(cache.has("ns", "big"), false);
  assert.equal(cache.stats().rejected, 1);
  assert.ok(cache.has("other", "e"), "a rejected value evicts nothing");
});

test("ComputeCache: replacing a key, deleting, getOrCompute, stored nulls", () => {
  const cache = new ComputeCache();
  cache.set("ns", "k", new Uint8Array(10));
  cache.set("ns", "k", new Uint8Array(20));
  assert.equal(cache.stats().entries, 1);
  assert.equal(cache.stats().bytes, 20 + overhead("k"));
  assert.equal(cache.delete("ns", "k"), true);
  assert.equal(cache.delete("ns", "k"), false);
  assert.equal(cache.stats().bytes, 0);
  let calls = 0;
  const compute = () => {
    calls++;
    return new Float64Array(4);
  };
  const first = cache.getOrCompute("ns", "x", compute);
  assert.equal(cache.getOrCompute("ns", "x", compute), first, "a hit returns the kept value itself");
  assert.equal(calls, 1);
  cache.set("ns", "none", null, 0);
  assert.equal(cache.get("ns", "none"), null, "null is a value (e.g. 'does not apply'), undefined a miss");
  assert.equal(cache.get("ns", "missing"), undefined);
  assert.throws(() => new ComputeCache({ maxBytes: -1 }), /≥ 0/);
});

test("ComputeCache stats count entries, bytes, hits, misses and evictions, in all and per namespace", () => {
  const cap = 2 * (800 + overhead("1"));
  const cache = new ComputeCache({ maxBytes: cap, maxEntryBytes: cap });
  assert.equal(cache.get("grid", "1"), undefined);
  cache.set("grid", "1", new Float64Array(100));
  cache.get("grid", "1");
  cache.get("grid", "1");
  cache.set("fft", "2", new Float64Array(100));
  cache.set("fft", "3", new Float64Array(100));
  const stats = cache.stats();
  assert.deepEqual(
    { entries: stats.entries, hits: stats.hits, misses: stats.misses, evictions: stats.evictions },
    { entries: 2, hits: 2, misses: 1, evictions: 1 },
  );
  assert.deepEqual(stats.namespaces.grid, { entries: 0, bytes: 0, hits: 2, misses: 1, evictions: 1, rejected: 0 });
  assert.equal(stats.namespaces.fft.entries, 2);
  assert.equal(stats.namespaces.fft.bytes, 2 * (800 + overhead("2")));
  assert.equal(stats.maxBytes, cap);
  cache.clear("fft");
  assert.equal(cache.stats().entries, 0);
  assert.equal(cache.stats().namespaces.fft, undefined);
});

test("estimateBytes counts typed arrays by byteLength, shared ones once", () => {
  const a = new Float64Array(1000);
  assert.equal(estimateBytes(a), 8000);
  assert.equal(estimateBytes(new Int32Array(a.buffer, 0, 10)), 40);
  const pair = { lon: a, lat: new Float64Array(500) };
  const bytes = estimateBytes(pair);
  assert.ok(bytes >= 12000 && bytes < 12200, `${bytes}`);
  assert.ok(estimateBytes([a, a, pair]) < 12300, "each array once");
});

test("clear() gives a clean start: a computation after it is a miss, and gives the same numbers", () => {
  const cache = new ComputeCache();
  withDefault(cache, () => {
    const geom = () => WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.05 });
    const center = new SkyCoord(83.2, 22.5, "icrs");
    const first = geom().separation(center);
    const ns = () => cache.stats().namespaces["grid separations"];
    assert.deepEqual([ns().hits, ns().misses, ns().entries], [0, 1, 1]);
    sameBits(geom().separation(center), first, "a hit");
    assert.equal(ns().hits, 1, "another geometry on the same grid shares the array");
    cache.clear();
    assert.equal(cache.stats().entries, 0);
    assert.equal(cache.stats().bytes, 0);
    assert.equal(cache.stats().hits, 0, "counts restart");
    sameBits(geom().separation(center), first, "after clear");
    assert.deepEqual([ns().hits, ns().misses], [0, 1], "recomputed: a miss");
  });
});

test("the default cache is one per process, replaceable", () => {
  const own = new ComputeCache({ maxBytes: 1 << 20 });
  const previous = setDefaultComputeCache(own);
  assert.equal(defaultComputeCache(), own);
  assert.equal(setDefaultComputeCache(previous), own);
  assert.equal(defaultComputeCache(), previous);
  assert.equal(previous.maxBytes, 256 * 2 ** 20);
});

test("entries keyed by an object's identityKey go when the object is collected", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const cache = new ComputeCache();
  const kept = { irf: "kept" };
  let dropped: object | undefined = { irf: "dropped" };
  cache.set("prepared", `${identityKey(kept)} true`, new Float64Array(1000));
  cache.set("prepared", `${identityKey(dropped)} true`, new Float64Array(1000));
  cache.set("tables", identityKey(dropped), new Float64Array(1000));
  cache.set("grids", "0.02 deg", new Float64Array(1000));
  dropped = undefined;
  for (let i = 0; i < 10 && cache.stats().entries > 2; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { namespaces } = cache.stats();
  assert.deepEqual(Object.fromEntries(Object.entries(namespaces).map(([name, c]) => [name, c.entries])), {
    prepared: 1,
    tables: 0,
    grids: 1,
  });
  assert.ok(cache.has("prepared", `${identityKey(kept)} true`));
  assert.equal(cache.stats().bytes, 2 * 8000 + overhead(`${identityKey(kept)} true`) + overhead("0.02 deg"));
});

test("withRunScope: entries keyed by objects first seen in the scope go when it ends, in every cache", () => {
  const [a, b] = [new ComputeCache(), new ComputeCache()];
  const before = { name: "an IRF read before" };
  a.set("prepared", identityKey(before), new Float64Array(10));
  const inside = { name: "the run's IRF" };
  const result = withRunScope(() => {
    // an object seen before keeps its identity (and entries made in the scope under it)
    a.set("prepared", `${identityKey(before)} more`, new Float64Array(10));
    a.set("prepared", `${identityKey(inside)} true`, new Float64Array(10));
    b.set("tables", identityKey(inside), new Float64Array(10));
    a.set("grids", "100x100", new Float64Array(10));
    return "done";
  });
  assert.equal(result, "done");
  assert.ok(a.has("prepared", identityKey(before)) && a.has("prepared", `${identityKey(before)} more`));
  assert.ok(!a.has("prepared", `${identityKey(inside)} true`), "the run's entries go");
  assert.ok(!b.has("tables", identityKey(inside)), "in the other cache too");
  assert.ok(a.has("grids", "100x100"), "entries without an identity stay");
  // and also when the scope throws
  const failing = { name: "a run that fails" };
  assert.throws(() =>
    withRunScope(() => {
      a.set("prepared", identityKey(failing), new Float64Array(10));
      throw new Error("bad run");
    }),
  );
  assert.ok(!a.has("prepared", identityKey(failing)));
});
