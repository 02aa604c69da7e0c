// The printed summary's sums and exposure range (summary-sums.ts) equal the plain loops over
// every bin, bit for bit, whatever the chunking: with and without masks, NaN, nothing inside.
import { test } from "node:test";
import assert from "node:assert/strict";
import { positiveRange, summarySums } from "../src/datasets/summary-sums.js";
import { readDataset } from "../src/nodejs/index.js";
import { fixturePath } from "./fixtures.js";

type Values = ArrayLike<number>;

/** The definitions, as one loop each. */
function plainSums(counts: Values, mask?: Values, npredBackground?: Values, totalBackground?: Values, signal?: Values) {
  const sums = { counts: 0, background: 0, predicted: 0, predictedBackground: 0, predictedSignal: 0, bins: 0 };
  for (let i = 0; i < counts.length; i++) {
    if (mask && mask[i] === 0) continue;
    sums.counts += counts[i];
    const b = npredBackground ? npredBackground[i] : 0;
    if (totalBackground) sums.background += totalBackground[i];
    sums.predictedBackground += b;
    const mu = signal ? signal[i] + b : b;
    sums.predicted += mu < 0 ? 0 : mu;
    if (signal) sums.predictedSignal += signal[i];
    sums.bins++;
  }
  return sums;
}

function plainRange(data: Values, image: Values | undefined, n: number): [number, number] {
  const inside = (i: number) => data[i] > 0 && (!image || image[i % n] !== 0);
  const any = Array.from({ length: data.length }, (_, i) => inside(i)).some(Boolean);
  let [min, max] = [Infinity, -Infinity];
  for (let i = 0; i < data.length; i++) {
    if (any && !inside(i)) continue;
    [min, max] = [Math.min(min, data[i]), Math.max(max, data[i])];
  }
  return [min, max];
}

test("summary sums equal one loop over every bin, bit for bit", () => {
  // the MSH 15-52 stack: 5 planes of 50×50, more bins than one call sums
  const dataset = readDataset(fixturePath("fit_msh1552_stack.fits.gz"));
  const counts = dataset.counts.data;
  const background = dataset.npredBackground()!.data;
  const mask = dataset.maskSafe!.data;
  const signal = Float64Array.from(background, (b, i) => (i % 7 === 0 ? -2 * b : 0.3 * b));
  for (const inputs of [
    { counts },
    { counts, mask },
    { counts, mask, npredBackground: background, totalBackground: background },
    { counts, mask, npredBackground: background, totalBackground: background, signal },
  ]) {
    const { mask: m, npredBackground: nb, totalBackground: tb, signal: s } = inputs as Record<string, Values>;
    assert.deepEqual(summarySums(inputs), plainSums(counts, m, nb, tb, s));
  }
});

test("the exposure range over what the mask keeps, else over everything; NaN when there is NaN", () => {
  const dataset = readDataset(fixturePath("fit_msh1552_stack.fits.gz"));
  const exposure = dataset.exposure!;
  const n = exposure.geom.imageSize;
  const image = dataset.maskSafeImage!.data;
  assert.ok(exposure.data.length > 2 * n);
  const cases: [Values, Values | undefined][] = [
    [exposure.data, image],
    [exposure.data, undefined],
    [exposure.data, new Uint8Array(n)], // the mask keeps nothing: every value counts
    [Float32Array.from(exposure.data, (v) => -v), image], // no value > 0
    [Float32Array.from(exposure.data, (v, i) => (i === 5 ? Number.NaN : -v)), image],
  ];
  for (const [data, mask] of cases) assert.deepEqual(positiveRange(data, mask, n), plainRange(data, mask, n));
  assert.deepEqual(positiveRange(new Float32Array(0), undefined, n), [Infinity, -Infinity]);
});
