import { test } from "node:test";
import assert from "node:assert/strict";
import { InverseCDFSampler, locatePixels, RandomState, argsort } from "../src/random/index.js";
import { ConstantTemporalModel, locateTimeOffsets } from "../src/modeling/index.js";
import { heapsortIndices } from "../src/random/argsort.js";
import { numpySum, searchSorted } from "../src/random/numpy-kernels.js";
import { readFixture, sameBits } from "./fixtures.js";

/** numpy 1.24 argsort/sum and gammapy 1.0 InverseCDFSampler outputs (scripts/fixtures/numpy_random.py). */
const fx = readFixture("numpy_random.json");
const inv = fx.inverseCdf;

/** JSON null (numpy's NaN) back to NaN. */
const values = (a: (number | null)[]) => Float64Array.from(a, (v) => (v === null ? Number.NaN : v));

test("argsort orders ties as numpy 1.24's introsort (rounded, 4 values, NaN, ≤ 16, adversarial)", () => {
  for (const [name, c] of Object.entries<{ values: (number | null)[]; order: number[] }>(fx.argsort)) {
    if (name === "heapsort") continue;
    assert.deepEqual([...argsort(values(c.values))], c.order, name);
  }
});

test("the heapsort of the introsort's fallback is numpy's aheapsort (argsort kind='heapsort')", () => {
  const { values: v, order } = fx.argsort.heapsort;
  const got = Int32Array.from(v, (_: number, i: number) => i);
  heapsortIndices(v, got, 0, got.length);
  assert.deepEqual([...got], order);
});

test("sums add 8192-element buffers of pairwise sums, as numpy's a.sum() (float64 and float32)", () => {
  const rs = new RandomState(31);
  for (const c of fx.sums) {
    const a = rs.randomSample(c.n);
    const b = rs.randomSample(c.n);
    const v = a.map((x, i) => x * b[i] * 1000);
    assert.equal(numpySum(v), c.sum64, `float64, n = ${c.n}`);
    assert.equal(numpySum(Float32Array.from(v)), c.sum32, `float32, n = ${c.n}`);
  }
});

test("whole-array sampling of a symmetric Gaussian cube (ties everywhere) equals gammapy's", () => {
  const cube = Float64Array.from(inv.cube);
  const sampler = new InverseCDFSampler(cube, [3, 20, 20]);
  assert.deepEqual([...sampler.sortIndex], inv.whole64.sortIndex, "sort order of equal pixels");
  const sample = sampler.sample(60);
  assert.equal(sample.length, 3);
  sameBits(Float64Array.from(sample.flatMap((d) => [...d])), inv.whole64.sample, "pixel coordinates (E, y, x)");
  assert.equal(sampler.randomState.randomSample(), inv.whole64.next, "state after");
});

test("a float32 pdf is normalized and summed in float32, as numpy keeps the dtype", () => {
  const sampler = new InverseCDFSampler(Float32Array.from(inv.cube), [3, 20, 20], { randomState: 3 });
  assert.ok(sampler.cdf instanceof Float32Array);
  assert.deepEqual([...sampler.sortIndex], inv.whole32.sortIndex);
  sameBits(sampler.cdf, inv.whole32.cdf, "float32 cdf");
  sameBits(Float64Array.from(sampler.sample(60).flatMap((d) => [...d])), inv.whole32.sample, "sample");
});

test("samplers given one generator continue its stream (a constant map: all pixels tie)", () => {
  const shared = new RandomState(8);
  const flat = new Float64Array(200).fill(1);
  const first = new InverseCDFSampler(flat, [2, 10, 10], { randomState: shared }).sample(10);
  const second = new InverseCDFSampler(flat, [2, 10, 10], { randomState: shared }).sample(10);
  sameBits(Float64Array.from(first.flatMap((d) => [...d])), inv.constant.first, "first sampler");
  sameBits(Float64Array.from(second.flatMap((d) => [...d])), inv.constant.second, "second sampler");
  assert.equal(shared.randomSample(), inv.constant.next);
});

test("row sampling interpolates each row's cdf as gammapy 1.0's sample_axis (float64, float32)", () => {
  const rows = Float64Array.from(inv.rows);
  const sampler = new InverseCDFSampler(rows, [30, 25], { axis: 1 });
  sameBits(sampler.sampleAxis(), inv.rows64.sample, "float64 rows");
  assert.equal(sampler.randomState.randomSample(), inv.rows64.next, "one draw per row");
  const sampler32 = new InverseCDFSampler(Float32Array.from(rows), [30, 25], { axis: 1, randomState: 5 });
  sameBits(sampler32.sampleAxis(), inv.rows32.sample, "float32 rows");
});

test("the sampler checks its shape and mode", () => {
  assert.throws(() => new InverseCDFSampler([1, 2, 3], [2, 2]), /shape \[2,2\] for 3 values/);
  assert.throws(() => new InverseCDFSampler([1, 2, 3, 4], [4], { axis: 1 }), /2-D pdf/);
  assert.throws(() => new InverseCDFSampler([1, 2, 3, 4], [2, 2], { axis: 1 }).sample(1), /whole-array mode/);
  assert.throws(() => new InverseCDFSampler([1, 2, 3, 4], [2, 2]).sampleAxis(), /row mode/);
});

test("the guide-table search finds np.searchsorted's bins on cdfs with flat runs, float32 and float64", () => {
  for (const make of [(n: number) => new Float64Array(n), (n: number) => new Float32Array(n)]) {
    const pdf = make(997);
    const rs = new RandomState(11);
    for (let i = 0; i < pdf.length; i++) pdf[i] = i % 7 === 0 ? 0 : (rs.randomSample() as number) ** 4;
    pdf.fill(0, 300, 420); // a long flat run of the cdf
    const sampler = new InverseCDFSampler(pdf, [pdf.length], { randomState: 5 });
    const draws = new RandomState(5).uniform(0, 1, 20000);
    const expected = new Float64Array(draws.length);
    searchSorted(sampler.cdf, draws, "left", expected);
    const [pix] = new InverseCDFSampler(pdf, [pdf.length], { randomState: 5 }).sample(draws.length);
    const jitter = new RandomState(5);
    jitter.uniform(0, 1, draws.length);
    const offsets = jitter.uniform(-0.5, 0.5, draws.length);
    for (let i = 0; i < draws.length; i++) {
      assert.equal(Math.round(pix[i] - offsets[i]), sampler.sortIndex[expected[i]], `draw ${i}`);
    }
  }
});

test("drawPixels then locatePixels range by range, in any order, is sample(); the times likewise", () => {
  const shape = [3, 40, 50];
  const pdf = Float32Array.from({ length: 3 * 40 * 50 }, (_, i) => 1 + Math.sin(i / 7) ** 2 + (i % 13 === 0 ? 5 : 0));
  const n = 5000;
  const expected = new InverseCDFSampler(pdf, shape, { randomState: 12 }).sample(n);
  const sampler = new InverseCDFSampler(pdf, shape, { randomState: 12 });
  const { draws, pix } = sampler.drawPixels(n);
  const tables = sampler.searchTables();
  for (const [from, to] of [
    [3000, 5000],
    [0, 1234],
    [1234, 3000],
  ])
    locatePixels(tables, draws, pix, from, to);
  assert.deepEqual(pix, expected);

  const model = new ConstantTemporalModel();
  const times = model.sampleTimeOffsets(n, 55000, 55000.02, { randomState: 4 });
  const prepared = model.prepareTimeOffsets(n, 55000, 55000.02, { randomState: 4 });
  prepared.draw();
  const drawn = prepared.drawn;
  locateTimeOffsets(drawn, 2500, n);
  locateTimeOffsets(drawn, 0, 2500);
  assert.deepEqual(drawn.offsets, times);
});
