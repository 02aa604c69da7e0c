import { test } from "node:test";
import assert from "node:assert/strict";
import { SkyCoord } from "../src/coords/index.js";
import { createCutout, EDispMap, MapDataset, type MapDatasetCreateOptions } from "../src/datasets/index.js";
import { MapAxis, WcsGeom, type CutoutMode } from "../src/maps/index.js";
import { datasetMaps } from "./fixtures.js";

const energy = MapAxis.fromBounds(1, 10, 4, { name: "energy", unit: "TeV", interp: "log" });

function assertSameDataset(actual: MapDataset, expected: MapDataset, label: string): void {
  assert.equal(actual.name, expected.name, label);
  assert.equal(actual.edisp?.constructor, expected.edisp?.constructor, `${label}: edisp kind`);
  const [a, e] = [datasetMaps(actual), datasetMaps(expected)];
  for (const key of Object.keys(e)) {
    const [am, em] = [a[key], e[key]];
    if (!em) {
      assert.equal(am, undefined, `${label}: ${key}`);
      continue;
    }
    assert.ok(am, `${label}: ${key} missing`);
    assert.deepEqual(am.geom.dataShape, em.geom.dataShape, `${label}: ${key} shape`);
    assert.ok(am.geom.equals(em.geom, 0), `${label}: ${key} geometry`);
    assert.equal(am.dtype, em.dtype, `${label}: ${key} dtype`);
    assert.equal(am.unit, em.unit, `${label}: ${key} unit`);
    assert.deepEqual(am.meta, em.meta, `${label}: ${key} meta`);
    assert.deepEqual(Buffer.from(am.data.buffer), Buffer.from(em.data.buffer), `${label}: ${key} values`);
  }
}

const cases: {
  label: string;
  geom: WcsGeom;
  options: MapDatasetCreateOptions;
  at: [number, number];
  width: number | [number, number];
  mode: CutoutMode;
}[] = [
  {
    label: "CAR, kernel EDisp, inside",
    geom: WcsGeom.create({ skydir: [83.63, 22.01], width: 4, binsz: 0.05, axes: [energy] }),
    options: {},
    at: [83.2, 22.5],
    width: 2,
    mode: "trim",
  },
  {
    label: "CAR, trimmed at an edge, lon/lat widths",
    geom: WcsGeom.create({ skydir: [83.63, 22.01], width: [4, 3], binsz: 0.04, axes: [energy] }),
    options: { binszIrf: 0.3 },
    at: [81.9, 23.2],
    width: [2.5, 1.5],
    mode: "trim",
  },
  {
    label: "galactic TAN, migra EDisp, finer true energy, partial at an edge",
    geom: WcsGeom.create({ skydir: [0, 0], frame: "galactic", proj: "TAN", width: 3, binsz: 0.05, axes: [energy] }),
    options: {
      energyAxisTrue: MapAxis.fromBounds(0.5, 20, 7, { name: "energy_true", unit: "TeV", interp: "log" }),
      migraAxis: MapAxis.fromBounds(0.2, 5, 12, { name: "migra", unit: "" }),
      binszIrf: 0.25,
    },
    at: [1.3, -0.9],
    width: 2,
    mode: "partial",
  },
  {
    label: "kernel EDisp, partial, cut wider than the target",
    geom: WcsGeom.create({ skydir: [329.7, -30.2], width: 2, binsz: 0.1, axes: [energy] }),
    options: {},
    at: [329.5, -30.1],
    width: 3,
    mode: "partial",
  },
];

for (const c of cases) {
  test(`createCutout equals create(...).cutout(...) value for value: ${c.label}`, () => {
    const position = new SkyCoord(c.at[0], c.at[1], c.geom.frame);
    const expected = MapDataset.create(c.geom, c.options).cutout(position, c.width, c.mode, "obs-1");
    const actual = createCutout(c.geom, c.options, position, c.width, c.mode, "obs-1");
    assertSameDataset(actual, expected, c.label);
  });
}

test("a partial cutout's energy dispersion is 0 beyond the target and diagonal inside", () => {
  const c = cases[2];
  const position = new SkyCoord(c.at[0], c.at[1], c.geom.frame);
  const edisp = createCutout(c.geom, c.options, position, c.width, "partial", "obs-1").edisp;
  assert.ok(edisp instanceof EDispMap);
  const { data, geom } = edisp.edispMap;
  const plane = [...data.subarray(0, geom.imageSize * 12)];
  assert.ok(plane.some((v) => v === 0) && plane.some((v) => v > 0), "both the margin and the inside present");
});

test("createCutout refuses a position off the target as a cutout does", () => {
  const c = cases[0];
  const far = new SkyCoord(200, -40);
  assert.throws(() => MapDataset.create(c.geom).cutout(far, 1, "trim", "x"), /do not overlap/);
  assert.throws(() => createCutout(c.geom, {}, far, 1, "trim", "x"), /do not overlap/);
});
