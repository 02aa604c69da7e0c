// The convolver's FFT sizes: powers of two (fft.js) and three times a power of two (a radix-3
// pass over fft.js), checked against the DFT's definition; and the sizes chosen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fftPlan, fftSize } from "../src/maps/convolve/fft-plans.js";

/** The DFT by its definition (sign −1 forward), in long sums: the reference. */
function dft(data: Float64Array, inverse: boolean): Float64Array {
  const n = data.length / 2;
  const out = new Float64Array(2 * n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const angle = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      re += data[2 * j] * Math.cos(angle) - data[2 * j + 1] * Math.sin(angle);
      im += data[2 * j] * Math.sin(angle) + data[2 * j + 1] * Math.cos(angle);
    }
    out[2 * k] = inverse ? re / n : re;
    out[2 * k + 1] = inverse ? im / n : im;
  }
  return out;
}

test("fftPlan: 2^k and 3·2^k transforms equal the DFT, forward and inverse; other sizes are refused", () => {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  for (const size of [6, 12, 24, 48, 96, 384, 8, 64]) {
    const data = Float64Array.from({ length: 2 * size }, random);
    const plan = fftPlan(size);
    assert.equal(plan.size, size);
    for (const inverse of [false, true]) {
      const out = new Float64Array(2 * size);
      if (inverse) plan.inverseTransform(out, data);
      else plan.transform(out, data);
      const want = dft(data, inverse);
      const scale = Math.max(...want.map(Math.abs));
      for (let i = 0; i < out.length; i++)
        assert.ok(
          Math.abs(out[i] - want[i]) <= 1e-12 * scale,
          `size ${size} inverse ${inverse} at ${i}: ${out[i]} vs ${want[i]}`,
        );
    }
    // a round trip gives the data back
    const spectrum = new Float64Array(2 * size);
    const back = new Float64Array(2 * size);
    plan.transform(spectrum, data);
    plan.inverseTransform(back, spectrum);
    for (let i = 0; i < back.length; i++) assert.ok(Math.abs(back[i] - data[i]) < 1e-13);
  }
  for (const size of [5, 10, 18, 3, 1]) assert.throws(() => fftPlan(size), /size must be 2\^k or 3·2\^k/);
});

test("fftSize: the smallest 2^k or 3·2^k at least n", () => {
  const cases: Array<[number, number]> = [
    [1, 2],
    [2, 2],
    [3, 4],
    [5, 6],
    [6, 6],
    [7, 8],
    [9, 12],
    [13, 16],
    [300, 384],
    [345, 384],
    [385, 512],
    [390, 512],
    [513, 768],
  ];
  for (const [n, want] of cases) assert.equal(fftSize(n), want, `n = ${n}`);
});
