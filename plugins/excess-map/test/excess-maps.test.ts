import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rintHalfEven as rint, tophat2DKernel as tophatKernel } from "@gammaflow/core";
import { excessMaps, type ExcessMaps, type ExcessMapsInput } from "../src/index.js";

/** gammapy 1.0 ExcessMapEstimator on H.E.S.S. runs 23592 + 23559 (scripts/fixtures/excess_map.py). */
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../../..");
const fx = JSON.parse(readFileSync(path.join(repo, "plugins/excess-map/test/fixtures/excess_map.json"), "utf8"));
const geometry = { nx: fx.nx, ny: fx.ny, pixelScaleDeg: fx.pixelScaleDeg, correlationRadius: fx.correlationRadiusDeg };

const cashInput: ExcessMapsInput = {
  ...geometry,
  counts: fx.cash.counts,
  background: fx.cash.background,
  mask: fx.cash.mask,
};
const onOffInput: ExcessMapsInput = {
  ...geometry,
  counts: fx.onOff.counts,
  countsOff: fx.onOff.countsOff,
  acceptance: fx.onOff.acceptance,
  acceptanceOff: fx.onOff.acceptanceOff,
  mask: fx.onOff.mask,
};

/**
 * Tolerances. Correlated counts are integers: exact. gammapy correlates with scipy FFTs on
 * float32 images (single-precision transforms), we sum directly in float64; both store float32.
 * Its round-off is ~1e-7 of the correlated map's largest values, so:
 * - correlated background: 1e-6 relative per pixel (seen: 6e-7);
 * - excess = counts − background: 1e-6 of counts + background (the excess alone can be ~0);
 * - significance: 1e-6 relative plus an absolute floor of 2e-6 (Δs ≈ Δb/√b; seen: 1.2e-6
 *   near s ≈ 1, where the relative difference reaches 1e-6);
 * - gammapy's Cash-case sqrt_ts itself is computed in float32 (its correlated maps are float32
 *   and numpy keeps the dtype in cash()), so TS = stat_null − stat_max loses ~1e-7 of |cash|
 *   to cancellation: up to 8e-4 absolute near s = 0. Ours is float64 and is compared to 1e-6
 *   with gammapy's statistic re-evaluated in float64 on the same correlated maps, and to the
 *   estimator's float32 output with a 1e-3 absolute floor.
 */
const SQRT_TS_FLOOR = 2e-6;
const GAMMAPY_FLOAT32_SQRT_TS_FLOOR = 1e-3;

/** Largest |ours − gammapy| / (rtolScale_i + floor) / rtol … returned as "fraction of tolerance used". */
function toleranceUsed(
  ours: Float64Array,
  gammapy: (number | null)[],
  scale: (i: number) => number,
  rtol: number,
  floor: number,
  what: string,
): number {
  assert.equal(ours.length, gammapy.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < ours.length; i++) {
    const e = gammapy[i];
    if (e === null) {
      assert.ok(Number.isNaN(ours[i]), `${what} pixel ${i}: expected NaN (outside the mask), got ${ours[i]}`);
      continue;
    }
    const diff = Math.abs(ours[i] - e);
    const used = diff === 0 ? 0 : diff / (rtol * scale(i) + floor);
    assert.ok(used <= 1, `${what} pixel ${i}: ${ours[i]} vs gammapy ${e}`);
    worst = Math.max(worst, used);
  }
  return worst;
}

/** Largest |ours − gammapy| / |gammapy| over pixels where gammapy's value is at least `min`. */
function maxRelativeDiff(ours: Float64Array, gammapy: (number | null)[], min = 0): number {
  let worst = 0;
  gammapy.forEach((e, i) => {
    if (e !== null && Math.abs(e) >= min && e !== ours[i]) worst = Math.max(worst, Math.abs(ours[i] - e) / Math.abs(e));
  });
  return worst;
}

function maxFinite(image: ArrayLike<number | null>): { value: number; index: number } {
  let best = { value: -Infinity, index: -1 };
  for (let i = 0; i < image.length; i++) {
    const v = image[i];
    if (v !== null && v > best.value) best = { value: v, index: i };
  }
  return best;
}

/** The checks shared by both cases; `sqrtTsRef` is gammapy's significance at float64 precision. */
function compareWithGammapy(label: string, maps: ExcessMaps, ref: any, sqrtTsRef: (number | null)[]): void {
  const background = ref.npred.map((c: number | null, i: number) => (c === null ? null : c - ref.npredExcess[i]));
  assert.equal(
    toleranceUsed(maps.counts, ref.npred, () => 0, 0, 0, `${label} counts`),
    0,
  );
  toleranceUsed(maps.background, background, (i) => Math.abs(background[i]), 1e-6, 0, `${label} background`);
  toleranceUsed(
    maps.excess,
    ref.npredExcess,
    (i) => Math.abs(ref.npred[i]) + Math.abs(background[i]),
    1e-6,
    0,
    `${label} excess`,
  );
  toleranceUsed(maps.sqrtTs, sqrtTsRef, (i) => Math.abs(sqrtTsRef[i]!), 1e-6, SQRT_TS_FLOOR, `${label} sqrtTs`);
  const ours = maxFinite(maps.sqrtTs);
  const theirs = maxFinite(ref.sqrtTs);
  assert.equal(ours.index, ref.significanceMaxIndex);
  assert.ok(
    Math.abs(ours.value - ref.significanceMax) <= 1e-3 * ref.significanceMax,
    `${label} max significance ${ours.value} vs ${ref.significanceMax}`,
  );
  assert.equal(theirs.value, ref.significanceMax);
  console.log(
    `${label}: max significance ${ours.value} (gammapy ${ref.significanceMax}, ` +
      `rel ${Math.abs(ours.value / ref.significanceMax - 1).toExponential(2)}); ` +
      `max rel diff background ${maxRelativeDiff(maps.background, background).toExponential(2)}, ` +
      `excess ${maxRelativeDiff(maps.excess, ref.npredExcess).toExponential(2)} ` +
      `(|excess| ≥ 1: ${maxRelativeDiff(maps.excess, ref.npredExcess, 1).toExponential(2)}), ` +
      `sqrtTs ${maxRelativeDiff(maps.sqrtTs, sqrtTsRef).toExponential(2)} ` +
      `(|s| ≥ 1: ${maxRelativeDiff(maps.sqrtTs, sqrtTsRef, 1).toExponential(2)})`,
  );
}

test("the top-hat kernel is astropy's Tophat2DKernel normalised to peak 1", () => {
  const k = tophatKernel(fx.correlationRadiusDeg / fx.pixelScaleDeg);
  assert.deepEqual(k.shape, fx.kernelShape);
  assert.equal(
    Array.from(k.data).reduce((a, b) => a + b, 0),
    fx.kernelSum,
  );
  assert.deepEqual(tophatKernel(1).shape, [3, 3]);
  assert.deepEqual(Array.from(tophatKernel(1).data), [0, 1, 0, 1, 1, 1, 0, 1, 0]);
  assert.deepEqual(tophatKernel(0.3).shape, [1, 1]);
  assert.deepEqual([rint(2.5), rint(3.5), rint(-1.5), rint(1.2)], [2, 4, -2, 1]);
});

test("MapDataset (Cash): correlated counts, background, excess and significance match gammapy 1.0", () => {
  const maps = excessMaps(cashInput);
  assert.ok(fx.cash.mask.includes(0), "the fixture's safe mask excludes pixels");
  compareWithGammapy("cash", maps, fx.cash, fx.cash.sqrtTsFloat64);
  const used = toleranceUsed(
    maps.sqrtTs,
    fx.cash.sqrtTs,
    (i) => Math.abs(fx.cash.sqrtTs[i]),
    1e-6,
    GAMMAPY_FLOAT32_SQRT_TS_FLOOR,
    "cash float32 sqrtTs",
  );
  console.log(
    `cash: vs gammapy's float32 sqrt_ts, max |Δ| ${maxAbsDiff(maps.sqrtTs, fx.cash.sqrtTs).toExponential(2)} ` +
      `(${(used * 100).toFixed(0)}% of tolerance)`,
  );
});

test("MapDatasetOnOff (WStat, ring background): correlated maps and Li & Ma significance match gammapy 1.0", () => {
  const maps = excessMaps(onOffInput);
  compareWithGammapy("on-off", maps, fx.onOff, fx.onOff.sqrtTs);
  assert.ok(maps.alpha && maps.countsOff);
});

test("on-off pixels without off acceptance carry no background; inputs are checked", () => {
  const base = { nx: 3, ny: 3, pixelScaleDeg: 0.1, correlationRadius: 0.1 };
  const counts = [0, 0, 0, 0, 9, 0, 0, 0, 0];
  const countsOff = new Array(9).fill(4);
  const acceptanceOff = [2, 2, 2, 2, 0, 2, 2, 2, 2];
  const maps = excessMaps({ ...base, counts, countsOff, acceptanceOff });
  // centre: n_on 9, n_off 4·5, background 0.5·4 from the four neighbours only
  assert.equal(maps.counts[4], 9);
  assert.equal(maps.countsOff![4], 20);
  assert.equal(maps.background[4], 8);
  assert.equal(maps.alpha![4], 0.4);
  const masked = excessMaps({ ...base, counts, background: new Array(9).fill(1), mask: [1, 1, 1, 1, 1, 1, 1, 1, 0] });
  assert.ok(Number.isNaN(masked.sqrtTs[8]) && Number.isFinite(masked.sqrtTs[0]));
  assert.throws(() => excessMaps({ ...base, counts }), /give background/);
  assert.throws(() => excessMaps({ ...base, counts: [1, 2], background: [1, 2] }), /counts has 2 pixels/);
});

function maxAbsDiff(ours: Float64Array, gammapy: (number | null)[]): number {
  let worst = 0;
  gammapy.forEach((e, i) => {
    if (e !== null) worst = Math.max(worst, Math.abs(ours[i] - e));
  });
  return worst;
}
