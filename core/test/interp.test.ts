import { test } from "node:test";
import assert from "node:assert/strict";
import { interp1d, rintHalfEven, ScaledRegularGridInterpolator, scaleFor } from "../src/utils/interpolation/index.js";
import { readFixture } from "./fixtures.js";

const fx = readFixture("axis_parity.json").interp;

for (const c of fx.cases) {
  test(`ScaledRegularGridInterpolator (${c.name}) equals gammapy 1.0`, () => {
    const o = c.options;
    const fn = new ScaledRegularGridInterpolator(fx.grids, fx.values, {
      pointsScale: o.points_scale,
      valuesScale: o.values_scale,
      method: o.method,
      fillValue: o.fill_value,
    });
    for (const [clip, expected] of [
      [true, c.result],
      [false, c.resultNoClip],
    ] as const) {
      const r = fn.evaluate(fx.query, { clip });
      expected.forEach((e: number, i: number) =>
        assert.ok(Math.abs(r[i] - e) <= 1e-12 * Math.max(1, Math.abs(e)), `${c.name}[${i}] ${r[i]} != ${e}`),
      );
    }
  });
}

test("rint rounds half to even, interp1d extrapolates linearly", () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 3.7].map(rintHalfEven), [0, 2, 2, -0, -2, 2, 4]);
  assert.deepEqual([...interp1d([0, 1, 3], [0, 10, 30], [-1, 0.5, 2, 4])], [-10, 5, 20, 40]);
  assert.ok(Number.isNaN(interp1d([0, 1], [0, 1], [NaN])[0]));
});

test("log scale clips at float32 tiny and maps it back to zero", () => {
  const log = scaleFor("log");
  assert.equal(log.inverse(log.forward(0)), 0);
  assert.ok(Math.abs(log.forward(0) + 87.3365) < 1e-3);
  assert.throws(() => scaleFor("cubic" as never), /unknown interpolation scale/);
});
