import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { RandomState, crLog, getGlobalRandomState, getRandomState } from "../src/random/index.js";
import { MT19937 } from "../src/random/mt19937.js";
import {
  fillDoublesWasm,
  instantiateKernel,
  type Kernel,
  KERNEL_HEADER_BYTES,
  kernelMemory,
} from "../src/random/mt19937-wasm.js";
import { withKernelPaths } from "../src/utils/kernel-paths.js";
import { readFixture, sameBits } from "./fixtures.js";

/** numpy 1.24's legacy RandomState draws (scripts/fixtures/numpy_random.py). */
const fx = readFixture("numpy_random.json");

test("seeding (init_genrand) and the first doubles equal numpy's for seeds 0, 1, 42, 12345, 2^32-1", () => {
  for (const c of fx.seeds) {
    const rs = new RandomState(c.seed);
    const key = rs.getState().key;
    assert.deepEqual([...key.slice(0, 4), ...key.slice(-2)], c.keyAfterSeed, `seed ${c.seed}: key`);
    sameBits(rs.randomSample(8), c.first, `seed ${c.seed}: random_sample`);
    rs.randomSample(1000);
    const state = rs.getState();
    assert.deepEqual([...state.key], c.keyAfter1008, `seed ${c.seed}: key after 1008 draws`);
    assert.equal(state.pos, c.posAfter1008);
  }
});

test("array seeds go through init_by_array, as numpy's (shorter and longer than 624 words)", () => {
  for (const c of fx.arraySeeds) sameBits(new RandomState(c.seed).randomSample(5), c.first, `seed [${c.seed}]`);
});

test("uniform keeps numpy's argument order: uniform(360) is low = 360, high = 1", () => {
  const rs = new RandomState(7);
  const u = fx.uniform;
  sameBits(rs.uniform(-3, 5, 6), u.lowHigh, "uniform(-3, 5)");
  const pa = rs.uniform(360, undefined, 5);
  sameBits(pa, u.low360, "uniform(360)");
  assert.ok(pa.every((v) => v > 1 && v <= 360));
  assert.equal(rs.uniform(2.5), u.scalarLow);
  assert.equal(rs.uniform(), u.default);
  assert.equal(rs.randomSample(), u.next);
});

test("poisson draws equal numpy's across both algorithms (λ = 0 … 1e18), state after included", () => {
  for (const c of fx.poisson.scalars) {
    const rs = new RandomState(1);
    sameBits(rs.poisson(c.lam, 40), c.draws, `poisson(${c.lam})`);
    assert.equal(rs.randomSample(), c.next, `poisson(${c.lam}): next uniform`);
  }
  const rs = new RandomState(3);
  assert.equal(rs.poisson(fx.poisson.single.lam), fx.poisson.single.draws);
  assert.equal(rs.randomSample(), fx.poisson.single.next);
});

test("poissonArray draws element by element as numpy's poisson(array), zeros drawing nothing", () => {
  const { lams, draws, next } = fx.poisson.array;
  assert.ok(lams.filter((l: number) => l === 0).length > 500, "the array has many zeros");
  const rs = new RandomState(5);
  sameBits(rs.poissonArray(Float64Array.from(lams)), draws, "poisson(lams)");
  assert.equal(rs.randomSample(), next, "state after the array");
  const counts = new Float32Array(lams.length);
  assert.equal(new RandomState(5).poissonArray(lams, counts), counts, "draws into a given array");
  sameBits(counts, draws, "poisson(lams) into a Float32Array");
});

test("poisson refuses λ < 0, NaN and too large, before drawing anything", () => {
  const rs = new RandomState(0);
  const before = rs.getState();
  assert.throws(() => rs.poisson(-1), /lam < 0 or lam is NaN/);
  assert.throws(() => rs.poisson(Number.NaN), /lam < 0 or lam is NaN/);
  assert.throws(() => rs.poisson(1e19), /too large/);
  assert.throws(() => rs.poissonArray([1, 2, -0.5]), /lam < 0/);
  assert.throws(() => rs.poissonArray([1, Number.NaN]), /too large or NaN/);
  assert.throws(() => rs.poissonArray([1, 2], new Float64Array(3)), /out has 3 elements/);
  assert.deepEqual(rs.getState(), before, "no draw consumed");
});

test("legacy Gaussians equal numpy's, the odd draw's partner kept for the next call", () => {
  const n = fx.normal;
  const rs = new RandomState(2);
  sameBits(rs.standardNormal(9), n.odd, "standard_normal(9)");
  assert.equal(rs.getState().hasGauss, true);
  assert.equal(rs.standardNormal(), n.kept, "the kept second value");
  sameBits(rs.normal(3, 2, 4), n.scaled, "normal(3, 2)");
  assert.equal(rs.normal(-1, 0.5), n.scalar);
  assert.equal(rs.randomSample(), n.next);
  assert.throws(() => rs.normal(0, -1), /scale < 0/);
});

test("a long run of Gaussians is bit-exact except where glibc's own log is not correctly rounded", (t) => {
  const { long, misroundedPairs } = fx.normal;
  const got = new RandomState(21).standardNormal(long.length);
  const differingPairs = new Set<number>();
  for (let i = 0; i < long.length; i++) {
    if (got[i] === long[i]) continue;
    differingPairs.add(i >> 1);
    const ulp = 2 ** (Math.floor(Math.log2(Math.abs(long[i]))) - 52);
    assert.ok(Math.abs(got[i] - long[i]) <= 2 * ulp, `value ${i}: ${got[i]} vs ${long[i]}`);
  }
  const pairs = [...differingPairs];
  t.diagnostic(
    `${pairs.length} of ${long.length / 2} pairs differ (glibc misrounds ln r² in ${misroundedPairs.length})`,
  );
  assert.ok(misroundedPairs.length > 0, "the fixture's seed exercises glibc's misrounded cases");
  assert.ok(
    pairs.every((p) => misroundedPairs.includes(p)),
    `pairs ${pairs} differ, glibc misrounds ${misroundedPairs}`,
  );
});

test("crLog is correctly rounded (mpmath, 614 arguments from 5e-324 to 1.8e308)", () => {
  const { x, log } = fx.logs;
  const wrong = x.filter((v: number, i: number) => crLog(v) !== log[i]);
  assert.deepEqual(wrong, [], `${wrong.length} logarithms not correctly rounded`);
  assert.equal(crLog(0), -Infinity);
  assert.equal(crLog(Infinity), Infinity);
  assert.ok(Number.isNaN(crLog(-1)) && Number.isNaN(crLog(Number.NaN)));
});

test("randint masks 32-bit words below 2^32 and word pairs (high first) above, as numpy", () => {
  const rs = new RandomState(4);
  for (const c of fx.randint.cases)
    sameBits(rs.randint(c.low, c.high, c.draws.length), c.draws, `[${c.low}, ${c.high})`);
  assert.equal(rs.randint(7), fx.randint.scalar);
  assert.equal(rs.randomSample(), fx.randint.next);
  assert.throws(() => rs.randint(5, 5), /low >= high/);
  assert.throws(() => rs.randint(0, 2 ** 60), /safe integers/);
});

test("choice with and without p and replacement, permutation and shuffle follow numpy's stream", () => {
  const c = fx.choice;
  const rs = new RandomState(6);
  sameBits(rs.choice(10, 8), c.withReplacement, "choice(10, 8)");
  assert.equal(rs.choice(6), c.scalar);
  sameBits(rs.choice(5, 3, false), c.withoutReplacement, "choice(5, 3, replace=False)");
  sameBits(rs.choice(100, 20, false), c.permutationLike, "choice(100, 20, replace=False)");
  sameBits(rs.choice(4, 10, true, c.p4), c.weighted, "choice(4, 10, p)");
  assert.equal(rs.choice(4, undefined, true, c.p4), c.weightedScalar);
  sameBits(rs.choice(5, 3, false, c.p5), c.weightedWithoutReplacement, "choice(5, 3, replace=False, p)");
  assert.deepEqual(rs.choice(["a", "b", "c"], 4), c.elements);
  sameBits(rs.permutation(10), c.permutation, "permutation(10)");
  const shuffled = [0, 1, 2, 3, 4, 5, 6, 7];
  rs.shuffle(shuffled);
  assert.deepEqual(shuffled, c.shuffle);
  assert.equal(rs.randomSample(), c.next);
  assert.throws(() => rs.choice(3, 2, true, [0.5, 0.6, 0]), /do not sum to 1/);
  assert.throws(() => rs.choice(3, 2, true, [1.5, -0.5, 0]), /not non-negative/);
  assert.throws(() => rs.choice(3, 4, false), /larger sample than population/);
  assert.throws(() => rs.choice(3, 3, false, [0.5, 0.5, 0]), /Fewer non-zero entries/);
});

test("getRandomState: a seed makes a new generator, a generator is shared, global-rng is one", () => {
  assert.equal(getRandomState(42).randomSample(), fx.seeds.find((s: { seed: number }) => s.seed === 42).first[0]);
  const rs = new RandomState(0);
  assert.equal(getRandomState(rs), rs);
  assert.equal(getRandomState("global-rng"), getGlobalRandomState());
  const a = getRandomState("random-seed");
  const b = getRandomState("random-seed");
  assert.notDeepEqual(a.randomSample(4), b.randomSample(4), "entropy seeds differ");
  assert.throws(() => new RandomState(2 ** 32), /Seed must be between 0 and 2\*\*32 - 1/);
  assert.throws(() => new RandomState(-1), /Seed must be between/);
  assert.throws(() => getRandomState("seed" as never), /cannot be used to seed/);
});

test("clone and setState continue the same stream, the kept Gaussian included", () => {
  const rs = new RandomState(2);
  rs.standardNormal(3);
  const copy = rs.clone();
  sameBits(copy.standardNormal(5), rs.standardNormal(5), "clone");
  const saved = rs.getState();
  const first = rs.poissonArray([3, 30, 0, 300]);
  rs.setState(saved);
  sameBits(rs.poissonArray([3, 30, 0, 300]), first, "after setState");
});

test("bulk doubles in WebAssembly equal the JavaScript loop's, state and position after included", () => {
  const tuned = new MT19937();
  const plain = new MT19937();
  tuned.seed(20261207);
  plain.seed(20261207);
  // lengths around the WebAssembly threshold (256), a state (312 doubles), a chunk (7680), odd starts
  for (const [n, low, range] of [
    [255, 0, 1],
    [256, 0, 1],
    [311, -0.5, 1],
    [313, 10, 350],
    [7680, 0, 1],
    [7681, -1e-3, 2e-3],
    [100001, 0, 1],
  ]) {
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    tuned.fillDoubles(a, low, range);
    withKernelPaths("reference", () => plain.fillDoubles(b, low, range));
    sameBits(a, b, `${n} doubles in [${low}, ${low + range})`);
    assert.equal(tuned.pos, plain.pos, `position after ${n}`);
    assert.deepEqual(tuned.key, plain.key, `state after ${n}`);
    // one word more: the next fill starts at an odd position, and at 623 straddles a twist
    assert.equal(tuned.next32(), plain.next32());
  }
  assert.ok(tuned.pos % 2 === 1, "the last fills started at odd positions");
});

test("the WebAssembly doubles are the same on a shared page, an unshared one (the fallback) and in place", () => {
  const shared = instantiateKernel("shared");
  const unshared = instantiateKernel("unshared");
  assert.ok(shared && unshared, "both variants instantiate in Node");
  assert.ok(shared.buffer instanceof SharedArrayBuffer, "shared memory");
  assert.ok(!(unshared.buffer instanceof SharedArrayBuffer), "unshared memory");
  const reference = new MT19937();
  reference.seed(11);
  const expected = new Float64Array(20001);
  withKernelPaths("reference", () => reference.fillDoubles(expected, 2, 3));
  const memory = kernelMemory(8 * 30000);
  assert.ok(memory instanceof SharedArrayBuffer);
  // in place: an array on the kernel's memory past its header (the state)
  const onMemory = new Float64Array(memory, KERNEL_HEADER_BYTES + 8 * 1000, expected.length);
  const ways: Array<[string, Float64Array, Kernel | undefined]> = [
    ["shared page", new Float64Array(expected.length), shared],
    ["unshared page", new Float64Array(expected.length), unshared],
    ["in place", onMemory, undefined],
  ];
  for (const [what, out, kernel] of ways) {
    const mt = new MT19937();
    mt.seed(11);
    mt.pos = fillDoublesWasm(mt.key, mt.pos, out, 2, 3, kernel);
    sameBits(out, expected, what);
    assert.deepEqual(mt.key, reference.key, what);
    assert.equal(mt.pos, reference.pos, what);
  }
  // fillDoubles finds the memory's kernel itself
  const mt = new MT19937();
  mt.seed(11);
  onMemory.fill(0);
  mt.fillDoubles(onMemory, 2, 3);
  sameBits(onMemory, expected, "fillDoubles in place");
});

test("without WebAssembly (node --jitless) the bulk doubles come from the JavaScript loop, the same", () => {
  const module = new URL("../src/random/mt19937.js", import.meta.url).href;
  const script = `
    import { MT19937 } from ${JSON.stringify(module)};
    const mt = new MT19937();
    mt.seed(7);
    const out = new Float64Array(5000);
    mt.fillDoubles(out, -0.5, 1);
    const sum = out.reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ wasm: typeof WebAssembly, sum, last: out[4999], pos: mt.pos }));
  `;
  const child = spawnSync(process.execPath, ["--jitless", "--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  const alone = JSON.parse(child.stdout);
  assert.equal(alone.wasm, "undefined", "--jitless leaves no WebAssembly");
  const mt = new MT19937();
  mt.seed(7);
  const out = new Float64Array(5000);
  mt.fillDoubles(out, -0.5, 1);
  assert.equal(alone.last, out[4999]);
  assert.equal(
    alone.sum,
    out.reduce((a, b) => a + b, 0),
  );
  assert.equal(alone.pos, mt.pos);
});
