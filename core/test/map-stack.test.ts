import { test } from "node:test";
import assert from "node:assert/strict";
import { SkyCoord } from "../src/coords/index.js";
import { MapAxis, WcsGeom, WcsNDMap } from "../src/maps/index.js";

function parent(): WcsNDMap {
  const axis = MapAxis.fromBounds(1, 10, 2, { name: "energy", unit: "TeV", interp: "log" });
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: [1.0, 0.6], binsz: 0.1, axes: [axis] });
  const m = WcsNDMap.fromGeom(geom, { dtype: "float64", unit: "m2 s" });
  m.data.forEach((_, i) => (m.data[i] = i + 1));
  return m;
}

test("cutout at an edge keeps the overlapping part and stacks back into place", () => {
  const big = parent();
  // A 0.5° cutout centred near the upper-left corner overlaps partially.
  const [lon, lat] = big.geom.wcs.pixToWorld1(9, 5);
  const cut = big.cutout(new SkyCoord(lon, lat), 0.5);
  assert.deepEqual([...cut.geom.npix], [3, 3]);
  const slices = cut.geom.cutoutSlices(big.geom);
  assert.deepEqual(
    slices.parent.map((s) => [s.start, s.stop]),
    [
      [3, 6],
      [7, 10],
    ],
  );
  for (let p = 0; p < 2; p++) {
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 3; i++) assert.equal(cut.data[(p * 3 + j) * 3 + i], big.data[(p * 6 + 3 + j) * 10 + 7 + i]);
    }
  }
  const stacked = WcsNDMap.fromGeom(big.geom, { dtype: "float64", unit: "m2 s" });
  stacked.stack(cut);
  let nonzero = 0;
  stacked.data.forEach((v, i) => {
    if (v !== 0) {
      nonzero++;
      assert.equal(v, big.data[i]);
    }
  });
  assert.equal(nonzero, 18);
  const pasted = WcsNDMap.fromGeom(big.geom, { dtype: "float64" });
  cut.pasteInto(pasted);
  assert.deepEqual([...pasted.data], [...stacked.data]);
});

test("stack converts units, ignores non-finite values, applies weights", () => {
  const big = parent();
  const other = big.copy({ unit: "cm2 s" });
  other.data[0] = NaN;
  const weights = WcsNDMap.fromGeom(big.geom.toImage(), { dtype: "bool" });
  weights.data.fill(1);
  weights.data[1] = 0;
  const target = WcsNDMap.fromGeom(big.geom, { unit: "m2 s" });
  target.stack(other, weights);
  assert.equal(target.data[0], 0);
  assert.equal(target.data[1], 0);
  assert.equal(target.data[2], Math.fround(3e-4));
  assert.equal(target.data[60 + 1], 0, "2-D weights broadcast over energy");
  assert.equal(target.dtype, "float32");
});

test("stacking maps that are not cutouts of one grid is refused", () => {
  const big = parent();
  const shifted = WcsNDMap.fromGeom(
    WcsGeom.create({ skydir: [83.6, 22.01], width: 0.5, binsz: 0.1, axes: [...big.geom.axes] }),
  );
  assert.throws(() => big.stack(shifted), /equal geometry or cutouts/);
  const img = WcsNDMap.fromGeom(big.geom.toImage());
  assert.throws(() => big.stack(img), /different non-spatial axes/);
  assert.throws(() => big.cutout(new SkyCoord(200, -40), 0.5), /do not overlap/);
});

test("convolution: same-size output, float32, kernel per plane or shared", () => {
  const big = parent();
  const kernel = { data: new Float64Array([0, 0.25, 0, 0.25, 0, 0.25, 0, 0.25, 0]), shape: [3, 3] };
  const out = big.convolve(kernel);
  assert.equal(out.dtype, "float32");
  assert.deepEqual(out.geom.dataShape, big.geom.dataShape);
  // Interior pixel (x=4, y=2, plane 0): mean of the 4 neighbours.
  const v = (x: number, y: number) => big.data[y * 10 + x];
  assert.ok(Math.abs(out.data[2 * 10 + 4] - (v(3, 2) + v(5, 2) + v(4, 1) + v(4, 3)) / 4) < 1e-4);
  const perPlane = { data: new Float64Array(18), shape: [2, 3, 3] };
  perPlane.data[4] = 1;
  perPlane.data[9 + 4] = 2;
  const scaled = big.convolve(perPlane);
  assert.equal(scaled.data[7], big.data[7]);
  assert.equal(scaled.data[60 + 7], 2 * big.data[60 + 7]);
  assert.throws(() => big.convolve({ data: new Float64Array(27), shape: [3, 3, 3] }), /kernel has 3 planes/);
});

test("normalize along an axis: unit integral over it, unit inverted, empty columns become 0", () => {
  const migra = MapAxis.fromBounds(0.2, 5, 4, { name: "migra", unit: "" });
  const rad = MapAxis.fromBounds(0, 0.4, 4, { name: "rad", unit: "deg" });
  const geom = WcsGeom.create({ npix: [2, 1], binsz: 0.1, axes: [rad, migra] });
  const m = WcsNDMap.fromGeom(geom, { dtype: "float64", unit: "sr-1" });
  m.data.forEach((_, i) => (m.data[i] = i % 2 === 0 ? 1 + (i % 5) : 0));
  m.normalize("rad");
  assert.equal(m.unit, "deg-2");
  const n = geom.imageSize;
  for (let j = 0; j < 4; j++) {
    let integral = 0;
    for (let k = 0; k < 4; k++) integral += m.data[(j * 4 + k) * n] * rad.binWidth[k] * 2 * Math.PI * rad.center[k];
    assert.ok(Math.abs(integral - 1) < 1e-12);
    for (let k = 0; k < 4; k++) assert.equal(m.data[(j * 4 + k) * n + 1], 0, "an all-zero column stays 0");
  }
});
