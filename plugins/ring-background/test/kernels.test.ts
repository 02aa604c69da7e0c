import { test } from "node:test";
import assert from "node:assert/strict";
import { numpyArange, ring2DKernel, tophat2DKernel, adaptiveRingKernelRadii, type Kernel2D } from "../src/index.js";
import { fixture, unpack, type PackedArray } from "./fixture.js";

function assertSameKernel(got: Kernel2D, want: PackedArray, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.deepEqual(Array.from(got.data), Array.from(unpack(want)), `${what}: values`);
}

test("ring2DKernel equals astropy's peak-normalised Ring2DKernel arrays", () => {
  assert.ok(fixture.kernels.ring.length >= 5);
  for (const k of fixture.kernels.ring)
    assertSameKernel(ring2DKernel(k.rIn, k.width), k.array, `Ring2DKernel(${k.rIn}, ${k.width})`);
});

test("tophat2DKernel equals astropy's peak-normalised Tophat2DKernel arrays", () => {
  for (const k of fixture.kernels.tophat)
    assertSameKernel(tophat2DKernel(k.radius), k.array, `Tophat2DKernel(${k.radius})`);
});

test("a ring between pixel centres stays all zeros, as astropy leaves it", () => {
  const ring = ring2DKernel(0.4, 0.3);
  assert.deepEqual(ring.shape, [3, 3]);
  assert.ok(ring.data.every((v) => v === 0));
});

test("numpyArange follows numpy's float arange value for value (length and fill)", () => {
  for (const c of fixture.arange)
    assert.deepEqual(numpyArange(c.start, c.stop, c.step), c.values, `np.arange(${c.start}, ${c.stop}, ${c.step})`);
  // the fill (start + i·((start + step) − start)) differs from start + i·step in the last bit here
  const c = fixture.arange[1];
  assert.ok(c.values.some((v: number, i: number) => v !== c.start + i * c.step));
});

test("adaptive ring kernel radii equal gammapy's kernel lists (np.arange on pixel radii)", () => {
  const fromRuns = Object.fromEntries(
    fixture.adaptive.map((fx: { method: string; kernelRadii: number[][] }) => [fx.method, fx.kernelRadii]),
  );
  for (const entry of [...fixture.adaptiveKernelRadii, { pixelScaleDeg: fixture.image.pixelScaleDeg, ...fromRuns }]) {
    for (const method of ["fixed_width", "fixed_r_in"] as const) {
      const got = adaptiveRingKernelRadii({
        rIn: "0.22 deg",
        rOutMax: "0.8 deg",
        width: "0.1 deg",
        method,
        pixelScaleDeg: entry.pixelScaleDeg,
      });
      const want = entry[method];
      assert.deepEqual(got, want, `${method} at ${entry.pixelScaleDeg} deg`);
    }
  }
});
