import { test } from "node:test";
import assert from "node:assert/strict";
import { interp1d, rintHalfEven, ScaledRegularGridInterpolator, scaleFor } from "../src/utils/interpolation/index.js";
import { interpolateImagePoint, interpolateOnPixelGrid } from "../src/maps/map-interp.js";
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

test("a map's nearest-pixel lookup equals the grid interpolator's nearest on the pixel grid", () => {
  const dims = [7, 5, 3]; // x fastest, as maps store their data
  const data = Float32Array.from({ length: 7 * 5 * 3 }, (_, i) => Math.sin(i) * 10);
  data[17] = NaN;
  data[40] = Infinity;
  const queries = [
    [0, 0, 0],
    [2.5, 1.5, 0.5],
    [2.5000001, 1.4999999, 1.5],
    [-3, 9, 7],
    [6.49, 4.51, 2],
    [17 % 7, 2, 0],
    [40 % 7, Math.floor(40 / 7) % 5, Math.floor(40 / 35)],
    [NaN, 1, 1],
  ];
  const pix = dims.map((_, d) => Float64Array.from(queries, (q) => q[d]));
  // the general path: the interpolator over the whole grid, non-finite data as 0
  const cleaned = Float64Array.from(data, (v) => (Number.isFinite(v) ? v : 0));
  const points = [...dims].reverse().map((n) => Float64Array.from({ length: n }, (_, i) => i));
  const expected = new ScaledRegularGridInterpolator(points, cleaned, { method: "nearest" }).evaluate(
    [...pix].reverse(),
    { clip: false },
  );
  assert.deepEqual(interpolateOnPixelGrid(data, dims, pix, "nearest"), expected);
  // one energy for every query broadcasts
  const broadcast = [pix[0], pix[1], Float64Array.of(1)];
  const expectedBroadcast = new ScaledRegularGridInterpolator(points, cleaned, { method: "nearest" }).evaluate(
    [...broadcast].reverse(),
    { clip: false },
  );
  assert.deepEqual(interpolateOnPixelGrid(data, dims, broadcast, "nearest"), expectedBroadcast);
  const allNaN = new Float32Array(7 * 5 * 3).fill(NaN);
  assert.ok(Number.isNaN(interpolateOnPixelGrid(allNaN, dims, pix, "nearest")[0]), "no finite value: NaN stays");
});

test("a map's values at one image pixel for every plane equal the linear interpolation on the pixel grid", () => {
  const planes = [4, 3]; // e.g. rad, energy_true
  const planeCount = planes[0] * planes[1];
  for (const [nx, ny] of [
    [6, 5],
    [1, 4],
    [3, 1],
  ]) {
    const data = Float32Array.from({ length: nx * ny * planeCount }, (_, i) => Math.cos(i * 0.7) * 3 + 1);
    data[(nx * ny * 5) % data.length] = NaN;
    data[(nx * ny * 7 + 1) % data.length] = -Infinity;
    for (const [px, py] of [
      [0, 0],
      [2.25, 1.75],
      [nx - 1, ny - 1],
      [-1.5, 2.2],
      [nx + 0.4, -0.7],
      [1e-9, ny - 1 - 1e-9],
    ]) {
      const nodes = Array.from({ length: planeCount }, (_, i) => i);
      const pix = [
        new Float64Array(planeCount).fill(px),
        new Float64Array(planeCount).fill(py),
        Float64Array.from(nodes, (i) => i % planes[0]),
        Float64Array.from(nodes, (i) => Math.floor(i / planes[0])),
      ];
      const expected = interpolateOnPixelGrid(data, [nx, ny, ...planes], pix, "linear");
      assert.deepEqual(interpolateImagePoint(data, nx, ny, px, py), expected, `${nx}×${ny} at (${px}, ${py})`);
    }
  }
  const allNaN = new Float64Array(2 * 2 * 3).fill(NaN);
  assert.ok(interpolateImagePoint(allNaN, 2, 2, 0.5, 0.5).every(Number.isNaN), "no finite value: NaN stays");
  assert.ok(Number.isNaN(interpolateImagePoint(Float64Array.of(1, 2, 3, 4), 2, 2, NaN, 0)[0]), "a NaN position: NaN");
});
