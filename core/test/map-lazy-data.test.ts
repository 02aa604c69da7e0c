import { test } from "node:test";
import assert from "node:assert/strict";
import { SkyCoord } from "../src/coords/index.js";
import { createCutout } from "../src/datasets/index.js";
import { MapAxis, WcsGeom, WcsNDMap } from "../src/maps/index.js";

const energy = MapAxis.fromBounds(1, 10, 10, { name: "energy", unit: "TeV", interp: "log" });

test("an empty map's zeros exist from its first read on: the same array after, writes kept", () => {
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.1, axes: [energy] });
  const map = WcsNDMap.fromGeom(geom, { dtype: "float64" });
  const data = map.data;
  assert.ok(data instanceof Float64Array);
  assert.equal(data.length, geom.size);
  assert.ok(data.every((v) => v === 0));
  data[7] = 3;
  assert.equal(map.data, data);
  assert.equal(map.copy().data[7], 3);
  assert.notEqual(map.copy().data, data, "a copy has its own values");
  const empty = WcsNDMap.fromGeom(geom, { dtype: "int32" }).copy();
  assert.ok(empty.data instanceof Int32Array && empty.data.every((v) => v === 0));
  assert.ok(WcsNDMap.fromGeom(geom, { dtype: "bool" }).data instanceof Uint8Array);
  assert.ok(WcsNDMap.fromGeom(geom).data instanceof Float32Array);
});

test("data set on a map must fit its geometry, and a map built on data keeps that very array", () => {
  const geom = WcsGeom.create({ skydir: [0, 0], width: 1, binsz: 0.5 });
  const values = new Float32Array(4);
  assert.equal(new WcsNDMap(geom, values).data, values);
  const map = WcsNDMap.fromGeom(geom);
  assert.throws(() => (map.data = new Float32Array(5)), /WcsNDMap: data has 5 values, geometry 2×2 needs 4/);
  assert.throws(() => new WcsNDMap(geom, new Float32Array(3)), /data has 3 values, geometry 2×2 needs 4/);
  map.data = values;
  assert.equal(map.data, values);
  assert.throws(() => new WcsNDMap(geom, undefined), /WcsNDMap: neither data nor a dtype for its zeros/);
  assert.equal(new WcsNDMap(geom, undefined, "", "int16").data.constructor, Int16Array);
});

test("a cutout's reference dataset, whose maps lend only their geometries, allocates none of its maps", () => {
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 10, binsz: 0.01, axes: [energy] });
  const before = process.memoryUsage().arrayBuffers;
  // 20 references of 4 float32 cubes of 800×800×10 and more: > 1 GiB if they were allocated
  const references = Array.from({ length: 20 }, (_, i) =>
    createCutout(geom, {}, new SkyCoord(83.63, 22.01), "8 deg", "trim", `obs-${i}`),
  );
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 64 * 2 ** 20, `array buffers grew by ${(grown / 2 ** 20).toFixed(0)} MiB`);
  assert.deepEqual(references[0].counts.geom.dataShape, [10, 800, 800]);
  assert.equal(references[3].background!.data.length, 10 * 800 * 800);
});
