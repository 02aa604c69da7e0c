import { test } from "node:test";
import assert from "node:assert/strict";
import { trapzLogLogBins } from "../src/index.js";

/** gammapy 1.0's trapz_loglog for one bin, written out directly. */
function reference(y1: number, y2: number, e1: number, e2: number): number {
  const tiny = 1.1754943508222875e-38;
  let index = -Math.log(Math.max(y1 / y2, tiny)) / Math.log(Math.max(e1 / e2, tiny));
  if (Number.isNaN(index)) index = Infinity;
  const val = 1 - index;
  return Math.abs(val) <= 1e-8 ? y1 * e1 * Math.log(e2 / e1) : ((y1 * e1) / val) * (Math.exp(val * Math.log(e2 / e1)) - 1);
}

test("trapzLogLogBins: the power-law integral per bin and point, zeros at both edges exactly as the formula, optional per-point factor", () => {
  const edges = [1, 2, 5, 10];
  const m = 4;
  // [edge][point]: ordinary values, zeros at both edges of a bin, a zero at one edge, equal values
  const values = Float64Array.from([
    3, 0, 0, 2,
    1, 0, 1, 2,
    0.5, 0, 0, 2,
    0.1, 4, -0, 2,
  ]);
  const factor = [1, 2.5, 1e-3, 7];
  const plain = trapzLogLogBins(values, edges, m);
  const scaled = trapzLogLogBins(values, edges, m, factor);
  for (let k = 0; k < edges.length - 1; k++) {
    for (let i = 0; i < m; i++) {
      const want = reference(values[k * m + i], values[(k + 1) * m + i], edges[k], edges[k + 1]);
      assert.ok(Object.is(plain[k * m + i], want), `bin ${k} point ${i}: ${plain[k * m + i]} vs ${want}`);
      assert.ok(Object.is(scaled[k * m + i], want * factor[i]), `bin ${k} point ${i} scaled`);
    }
  }
  assert.ok(Object.is(plain[1 * m + 1], 0), "0 at both edges integrates to +0");
});
