import { test } from "node:test";
import assert from "node:assert/strict";
import { maskSafeWithOffAcceptance, ringOffMaps } from "../src/index.js";
import { compareImages, fixture, unpack } from "./fixture.js";
import { fftNoiseFloor, fixtureImages, RTOL } from "./images.js";

for (const convolveMethod of ["fft", "direct"] as const) {
  test(`ringOffMaps equals gammapy 1.0 RingBackgroundMaker on the stacked Crab image (${convolveMethod})`, () => {
    const images = fixtureImages();
    const { countsOff, acceptanceOff } = ringOffMaps({
      ...images,
      rIn: fixture.ring.rIn,
      width: fixture.ring.width,
      convolveMethod,
    });
    for (const [name, got, want] of [
      ["counts_off", countsOff, unpack(fixture.ring.counts_off)],
      ["acceptance_off", acceptanceOff, unpack(fixture.ring.acceptance_off)],
    ] as const) {
      const rel = compareImages(got, want, RTOL, fftNoiseFloor(want), name);
      assert.ok(rel < RTOL, `${name}: max relative difference ${rel}`);
    }
    // gammapy's on acceptance is the background image itself
    assert.deepEqual(Array.from(unpack(fixture.ring.acceptance)), Array.from(images.background));
    const maskSafe = maskSafeWithOffAcceptance(unpack(fixture.image.maskSafe), acceptanceOff);
    assert.deepEqual(Array.from(maskSafe), Array.from(unpack(fixture.ring.mask_safe)), "mask_safe");
  });
}

test("ringOffMaps takes angles as numbers (deg) or strings with a unit", () => {
  const images = fixtureImages();
  const a = ringOffMaps({ ...images, rIn: 0.3, width: 0.3 });
  const b = ringOffMaps({ ...images, rIn: "18 arcmin", width: "0.3 deg" });
  assert.deepEqual(a.countsOff, b.countsOff);
  assert.throws(
    () => ringOffMaps({ ...images, counts: new Float32Array(3), rIn: 0.3, width: 0.3 }),
    /counts has 3 values/,
  );
});
