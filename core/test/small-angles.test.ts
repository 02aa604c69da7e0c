import { test } from "node:test";
import assert from "node:assert/strict";
import { asinSmall, atanSmall, cosSmall, SMALL_ANGLE, sinSmall } from "../src/utils/small-angles.js";

test("the small-angle series are within 2 ulp of Math's sin, cos, atan and asin on [−1/8, 1/8]", () => {
  const pairs = [
    [sinSmall, Math.sin],
    [cosSmall, Math.cos],
    [atanSmall, Math.atan],
    [asinSmall, Math.asin],
  ] as const;
  for (const [series, exact] of pairs) {
    let worst = 0;
    for (let k = -20000; k <= 20000; k++) {
      // the ends, zero, tiny and subnormal arguments among them
      const x = k === 1 ? 5e-324 : k === 2 ? 1e-200 : (SMALL_ANGLE * k) / 20000;
      const want = exact(x);
      const ulp =
        want === 0 ? Number.MIN_VALUE : Math.max(2 ** (Math.floor(Math.log2(Math.abs(want))) - 52), Number.MIN_VALUE);
      worst = Math.max(worst, Math.abs(series(x) - want) / ulp);
    }
    assert.ok(worst <= 2, `${series.name}: ${worst} ulp`);
  }
});
