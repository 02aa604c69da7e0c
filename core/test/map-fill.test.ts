import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { MapAxis, WcsGeom, WcsNDMap } from "../src/maps/index.js";
import { readFits } from "../src/nodejs/index.js";
import { BUNDLED_HESS, readFixture } from "./fixtures.js";

const fx = readFixture("counts_doc_geometry.json");

function docGeometry(): WcsGeom {
  const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
  return WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 5, binsz: 0.02 });
}

for (const run of fx.runs) {
  test(`counts of H.E.S.S. run ${run.obsId} on the documentation geometry equal gammapy's exactly`, () => {
    const file = readFits(path.join(BUNDLED_HESS, "data", `hess_dl3_dr1_obs_id_0${run.obsId}.fits.gz`));
    const events = file.table("EVENTS");
    assert.equal(events.nrows, run.nEvents);
    const counts = WcsNDMap.fromGeom(docGeometry());
    assert.equal(counts.dtype, "float32");
    counts.fillEvents({
      lon: events.columnAsFloat64("RA"),
      lat: events.columnAsFloat64("DEC"),
      columns: { ENERGY: events.columnAsFloat64("ENERGY") },
    });
    assert.deepEqual(counts.geom.dataShape, fx.dataShape);
    const nonzero: number[] = [];
    counts.data.forEach((v, i) => v !== 0 && nonzero.push(i));
    assert.deepEqual(nonzero, run.nonzeroIndex);
    assert.deepEqual(
      nonzero.map((i) => counts.data[i]),
      run.nonzeroValue,
    );
    const image = counts.sumOverAxes();
    assert.equal(image.sum(), run.total);
  });
}

test("fillByCoord: half-to-even rounding on edges, weights summed in double, outside dropped", () => {
  const axis = MapAxis.fromEdges([0, 1, 2], { name: "x", unit: "" });
  const geom = WcsGeom.create({ npix: [3, 2], binsz: 1, axes: [axis] });
  const m = WcsNDMap.fromGeom(geom);
  // Axis values on edges: 0 → bin 0, 1 → pixel 0.5 → bin 0 (even), 2 → pixel 1.5 → bin 2 → outside.
  m.fillByCoord({ lon: [0, 0, 0, 0, 50], lat: [0, 0, 0, 0, 0], x: [0, 1, 2, 0.5, 0.5] }, [0.1, 0.2, 5, 0.3, 7]);
  const [ix, iy] = geom.toImage().coordToIdx({ lon: [0], lat: [0] });
  const flat0 = iy[0] * 3 + ix[0];
  assert.equal(m.data[flat0], Math.fround(0.1 + 0.2 + 0.3));
  assert.equal(m.sum(), Math.fround(0.1 + 0.2 + 0.3));
});

test("get/set by coord and pix, interpolation, slicing and reductions", () => {
  const axis = MapAxis.fromBounds(1, 10, 3, { name: "energy", unit: "TeV", interp: "log" });
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], npix: [4, 3], binsz: 0.1, axes: [axis] });
  const m = WcsNDMap.fromGeom(geom, { dtype: "float64" });
  m.data.forEach((_, i) => (m.data[i] = i));
  const center = geom.axes[0].center;
  const [lon, lat] = geom.wcs.pixToWorld1(1, 2);
  assert.deepEqual([...m.getByCoord({ lon, lat, energy: center[2] })], [2 * 12 + 2 * 4 + 1]);
  assert.ok(Number.isNaN(m.getByCoord({ lon: lon + 5, lat, energy: center[2] })[0]));
  m.setByCoord({ lon, lat, energy: center[0] }, -1);
  assert.equal(m.data[2 * 4 + 1], -1);
  assert.deepEqual([...m.getByPix([[1.4], [2.2], [0.4]])], [-1]);
  // Linear interpolation between pixel centres, nearest picks the closest.
  const lin = m.interpByPix([[2.5], [1], [1]]);
  assert.equal(lin[0], 12 + 4 + 2.5);
  assert.equal(m.interpByPix([[2.4], [1], [1]], { method: "nearest" })[0], 12 + 4 + 2);
  assert.equal(m.interpByPix([[10], [1], [1]], { fillValue: -7 })[0], -7);
  const plane = m.getImageByIdx([1]);
  assert.deepEqual(plane.geom.dataShape, [3, 4]);
  assert.equal(plane.data[0], 12);
  const sub = m.sliceByIdx({ energy: [1, 3] });
  assert.deepEqual(sub.geom.dataShape, [2, 3, 4]);
  assert.equal(sub.data[0], 12);
  assert.ok(Math.abs(sub.geom.axes[0].edges[0] - axis.edges[1]) < 1e-12);
  const summed = m.sumOverAxes(true);
  assert.deepEqual(summed.geom.dataShape, [1, 3, 4]);
  assert.equal(summed.data[5], 5 + 17 + 29);
  const planes = [...m.iterByImage()];
  assert.equal(planes.length, 3);
  assert.deepEqual(planes[2].indices, [2]);
});

test("masks reduce with logical or", () => {
  const axis = MapAxis.fromBounds(1, 10, 2, { name: "energy", unit: "TeV", interp: "log" });
  const geom = WcsGeom.create({ npix: [2, 1], binsz: 1, axes: [axis] });
  const mask = WcsNDMap.fromGeom(geom, { dtype: "bool" });
  mask.data.set([1, 0, 1, 0]);
  assert.deepEqual([...mask.sumOverAxes().data], [1, 0]);
  assert.equal(mask.sumOverAxes().dtype, "bool");
});
