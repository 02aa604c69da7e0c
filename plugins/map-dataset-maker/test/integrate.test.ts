import { test } from "node:test";
import assert from "node:assert/strict";
import { trapzLogLogBins } from "../src/index.js";

/** gammapy 1.0's trapz_loglog for one bin, written out directly. */
function reference(y1: number, y2: number, e1: number, e2: number): number {
  const tiny = 1.1754943508222875e-38;
  let index = -Math.log(Math.max(y1 / y2, tiny)) / Math.log(Math.max(e1 / e2, tiny));
  if (Number.isNaN(index)) index = Infinity;
  const val = 1 - index;
  return Math.abs(val) <= 1e-8
    ? y1 * e1 * Math.log(e2 / e1)
    : ((y1 * e1) / val) * (Math.exp(val * Math.log(e2 / e1)) - 1);
}

test(
  "trapzLogLogBins: the power-law integral per bin and point, " +
    "zeros at both edges exactly as the formula, optional per-point factor",
  () => {
    const edges = [1, 2, 5, 10];
    const m = 4;
    // [edge][point]: ordinary values, zeros at both edges of a bin, a zero at one edge, equal values
    const values = Float64Array.from([3, 0, 0, 2, 1, 0, 1, 2, 0.5, 0, 0, 2, 0.1, 4, -0, 2]);
    const factor = [1, 2.5, 1e-3, 7];
    const plain = trapzLogLogBins(values, edges, m);
    const scaled = trapzLogLogBins(values, edges, m, { pointFactor: factor });
    for (let k = 0; k < edges.length - 1; k++) {
      for (let i = 0; i < m; i++) {
        const want = reference(values[k * m + i], values[(k + 1) * m + i], edges[k], edges[k + 1]);
        assert.ok(Object.is(plain[k * m + i], want), `bin ${k} point ${i}: ${plain[k * m + i]} vs ${want}`);
        assert.ok(Object.is(scaled[k * m + i], want * factor[i]), `bin ${k} point ${i} scaled`);
      }
    }
    assert.ok(Object.is(plain[1 * m + 1], 0), "0 at both edges integrates to +0");
    assert.throws(() => trapzLogLogBins(values, edges, m, factor as never), /\{ pointFactor \}/);
  },
);

test(
  "trapzLogLogBins from logarithms: gammapy's formula within 1e-13 " +
    "(1e-7 near a slope of −1), the exceptions by the formula itself",
  () => {
    const edges = [1, 1.3, 2, 5, 10];
    const m = 7;
    const values = new Float64Array(edges.length * m);
    const logs = new Float64Array(edges.length * m);
    edges.forEach((e, k) => {
      // power laws of index 2.7, of index 1 (slope −1 exactly: the limit), of index 1 + 1e-7,
      // curved spectra, a zero (no log), an unknown log (NaN), and an underflowing ratio
      const ln = [
        Math.log(3e-9) - 2.7 * Math.log(e),
        Math.log(2) - Math.log(e),
        -(1 + 1e-7) * Math.log(e),
        -1 - 2 * Math.log(e) - 0.3 * Math.log(e) ** 2,
        k === 2 ? -Infinity : -3 * Math.log(e),
        -2 * Math.log(e),
        k === 1 ? -200 : -80,
      ];
      ln.forEach((l, i) => {
        values[k * m + i] = Math.exp(l);
        logs[k * m + i] = i === 5 || l === -Infinity ? NaN : l; // unknown where the value is not positive
      });
    });
    const factor = Array.from({ length: m }, (_, i) => 1 + i / 10);
    const data = trapzLogLogBins(values, edges, m, { logs, pointFactor: factor });
    for (let k = 0; k < edges.length - 1; k++) {
      for (let i = 0; i < m; i++) {
        const want = reference(values[k * m + i], values[(k + 1) * m + i], edges[k], edges[k + 1]) * factor[i];
        const got = data[k * m + i];
        const tolerance = i === 1 || i === 2 ? 1e-7 : 1e-13;
        assert.ok(Math.abs(got - want) <= tolerance * Math.abs(want), `bin ${k} point ${i}: ${got} vs ${want}`);
      }
    }
  },
);
