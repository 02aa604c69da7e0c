import { test } from "node:test";
import assert from "node:assert/strict";
import { convolvePlane } from "../src/maps/convolve/index.js";
import { readFixture } from "./fixtures.js";

const cases = readFixture("axis_parity.json").convolve;

for (const c of cases) {
  test(`convolution ${c.ny}×${c.nx} with a ${c.ky}×${c.kx} kernel: direct = fft = scipy fftconvolve(same)`, () => {
    const direct = convolvePlane(c.image, c.ny, c.nx, c.kernel, c.ky, c.kx, { method: "direct" });
    const fft = convolvePlane(c.image, c.ny, c.nx, c.kernel, c.ky, c.kx, { method: "fft" });
    const auto = convolvePlane(c.image, c.ny, c.nx, c.kernel, c.ky, c.kx);
    const max = Math.max(...c.same.map(Math.abs));
    for (let i = 0; i < c.same.length; i++) {
      assert.ok(Math.abs(direct[i] - fft[i]) <= 1e-6 * max, `direct vs fft at ${i}`);
      assert.ok(Math.abs(direct[i] - c.same[i]) <= 1e-5 * max, `direct vs scipy at ${i}`);
      assert.ok(Math.abs(fft[i] - c.same[i]) <= 1e-5 * max, `fft vs scipy at ${i}`);
      assert.ok(auto[i] === direct[i] || auto[i] === fft[i]);
    }
  });
}

test("convolution checks its sizes", () => {
  assert.throws(() => convolvePlane([1, 2, 3], 2, 2, [1], 1, 1), /plane has 3 values/);
  assert.throws(() => convolvePlane([1, 2, 3, 4], 2, 2, [1, 2], 1, 1), /kernel has 2 values/);
});
