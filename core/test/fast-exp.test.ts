import { test } from "node:test";
import assert from "node:assert/strict";
import { fastExp } from "../src/internals.js";

/** Distance from a to b in units in the last place of a. */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  view.setBigInt64(0, view.getBigInt64(0) + 1n);
  return Math.abs(a - b) / (view.getFloat64(0) - a);
}

test("fastExp is within 2 ulp of Math.exp over the normal range", () => {
  let worst = 0;
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 200000; i++) {
    const x = -708 + 1417 * random();
    worst = Math.max(worst, ulps(Math.exp(x), fastExp(x)));
  }
  // and close to 0 and at the ends of the table steps, where rounding of k changes
  for (const x of [
    0,
    1e-300,
    -1e-300,
    1e-10,
    Math.LN2 / 128,
    -Math.LN2 / 128,
    Math.LN2,
    -Math.LN2,
    1,
    -1,
    -87.3365447505531,
    699.99,
  ]) {
    worst = Math.max(worst, ulps(Math.exp(x), fastExp(x)));
  }
  assert.ok(worst <= 2, `worst ${worst} ulp`);
  assert.equal(fastExp(0), 1);
});

test("fastExp hands the ends and non-numbers to Math.exp", () => {
  for (const x of [-Infinity, Infinity, NaN, -745.2, -700, 700, 709.7, 710, -1000]) {
    assert.ok(Object.is(fastExp(x), Math.exp(x)), `x = ${x}`);
  }
});
