import { test } from "node:test";
import assert from "node:assert/strict";
import { adaptiveRingOffMaps, maskSafeWithOffAcceptance, ringOffMaps } from "../src/index.js";
import { compareImages, fixture, unpack } from "./fixture.js";
import { fftNoiseFloor, fixtureImages, RTOL } from "./images.js";

const countNaN = (values: ArrayLike<number>) =>
  Array.prototype.filter.call(values, (v: number) => Number.isNaN(v)).length;

for (const fx of fixture.adaptive) {
  test(
    `adaptiveRingOffMaps equals gammapy 1.0 AdaptiveRingBackgroundMaker (${fx.method}, ` +
      `threshold ${fx.thresholdAlpha}), NaNs included`,
    () => {
      const out = adaptiveRingOffMaps({
        ...fixtureImages(),
        rIn: fx.rIn,
        rOutMax: fx.rOutMax,
        width: fx.width,
        stepsize: fx.stepsize,
        thresholdAlpha: fx.thresholdAlpha,
        theta: fx.theta,
        method: fx.method,
      });
      for (const name of ["counts_off", "acceptance_off", "acceptance"] as const) {
        const key = name === "counts_off" ? "countsOff" : name === "acceptance_off" ? "acceptanceOff" : "acceptance";
        const want = unpack(fx[name]);
        // compareImages also requires NaN exactly where gammapy has NaN
        const rel = compareImages(out[key], want, RTOL, fftNoiseFloor(want), `${fx.method} ${name}`);
        assert.ok(rel < RTOL, `${name}: max relative difference ${rel}`);
        assert.equal(countNaN(out[key]), countNaN(want), `${name}: NaN count`);
      }
      const maskSafe = maskSafeWithOffAcceptance(unpack(fixture.image.maskSafe), out.acceptanceOff);
      assert.deepEqual(Array.from(maskSafe), Array.from(unpack(fx.mask_safe)), "mask_safe");
    },
  );
}

test("the low-threshold fixtures exercise larger rings and pixels without a qualifying ring", () => {
  const low = fixture.adaptive.filter((fx: { thresholdAlpha: number }) => fx.thresholdAlpha < 0.1);
  assert.ok(
    low.some((fx: { counts_off: never }) => countNaN(unpack(fx.counts_off)) > 0),
    "some NaN pixels",
  );
  // with the first ring only, off acceptances would be the fixed-width ring of r_in = 0.22°
  const images = fixtureImages();
  const firstRing = ringOffMaps({ ...images, rIn: 0.22, width: 0.1 }).acceptanceOff;
  for (const fx of low) {
    const want = unpack(fx.acceptance_off);
    let larger = 0;
    for (let i = 0; i < want.length; i++) if (want[i] > firstRing[i] * (1 + 1e-3)) larger++;
    assert.ok(larger > 100, `${fx.method}: ${larger} pixels use a larger ring`);
  }
});

test("gammapy 1.0's theta × pixel scale makes the adaptive acceptance the background pixel itself (as float32)", () => {
  const images = fixtureImages();
  const out = adaptiveRingOffMaps({ ...images, rIn: "0.22 deg", rOutMax: "0.8 deg", width: "0.1 deg" });
  for (let i = 0; i < out.acceptance.length; i++)
    if (!Number.isNaN(out.acceptance[i])) assert.equal(out.acceptance[i], Math.fround(images.background[i]));
});

test("adaptiveRingOffMaps rejects an unknown method", () => {
  assert.throws(
    // @ts-expect-error: not a method
    () => adaptiveRingOffMaps({ ...fixtureImages(), rIn: 0.22, rOutMax: 0.8, width: 0.1, method: "fixed" }),
    /method must be one of/,
  );
});
