import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MapAxis, MapDataset, WcsGeom, type WcsNDMap } from "../src/index.js";
import { readDataset, writeDataset } from "../src/nodejs/index.js";
import { datasetMaps, fixturePath, readFixture } from "./fixtures.js";

const want = readFixture("gammapy-dataset.json");

/** The maps these datasets have (no fit mask). */
function mapsOf(d: MapDataset): Record<string, WcsNDMap | undefined> {
  const { MASK_FIT: _, ...maps } = datasetMaps(d);
  return maps;
}

test("a dataset gammapy wrote reads with its maps, units, GTI and summary", () => {
  const d = readDataset(fixturePath("gammapy-dataset.fits.gz"));
  assert.equal(d.name, want.name);
  for (const [name, map] of Object.entries(mapsOf(d))) {
    const w = want.maps[name];
    assert.ok(map, `${name} read`);
    assert.deepEqual(map!.geom.dataShape, w.shape, `${name} shape`);
    assert.ok(
      Math.abs(map!.sum() - w.sum) <= 1e-6 * Math.max(1, Math.abs(w.sum)),
      `${name} sum ${map!.sum()} vs ${w.sum}`,
    );
    assert.equal(map!.unit.replace(/^1 \/ deg2$/, "deg-2"), w.unit.replace(/^1 \/ deg2$/, "deg-2"), `${name} unit`);
  }
  assert.equal(d.maskSafe!.dtype, "bool");
  assert.deepEqual(
    [...d.gti.start].map((v, i) => Math.abs(v - want.gtiStart[i]) < 1e-6),
    want.gtiStart.map(() => true),
  );
  assert.equal(d.toString(), want.summary.replace(/\n+$/, ""));
});

test("datasets we write read back identically", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-dataset-"));
  const geom = WcsGeom.create({
    skydir: [83.63, 22.01],
    width: 1,
    binsz: 0.25,
    axes: [MapAxis.fromEnergyBounds(1, 10, 3)],
  });
  const d = MapDataset.create(geom, { name: "roundtrip", binszIrf: 0.5 });
  d.counts.data.forEach((_, i) => (d.counts.data[i] = i % 3));
  d.maskSafe!.data.fill(1, 0, 20);
  writeDataset(d, path.join(dir, "d.fits.gz"));
  const back = readDataset(path.join(dir, "d.fits.gz"));
  assert.equal(back.name, "roundtrip");
  for (const [name, map] of Object.entries(mapsOf(d))) {
    const other = mapsOf(back)[name]!;
    assert.ok(other.geom.equals(map!.geom), `${name} geometry`);
    assert.deepEqual([...other.data], [...map!.data], `${name} data`);
    assert.equal(other.unit, map!.unit, `${name} unit`);
  }
  assert.equal(back.toString(), d.toString());
});

test("toImage sums counts and background within the safe mask over energy, as gammapy", () => {
  const d = readDataset(fixturePath("gammapy-dataset.fits.gz"));
  const image = d.toImage("image");
  const w = want.toImage;
  assert.deepEqual(image.counts.geom.dataShape, w.shape);
  assert.deepEqual([...image.counts.data], w.counts);
  assert.deepEqual(
    [...image.background!.data].map((v, i) => Math.abs(v - w.background[i]) <= 1e-6 * Math.abs(w.background[i])),
    w.background.map(() => true),
  );
  assert.deepEqual([...image.maskSafe!.data], w.maskSafe);
  assert.deepEqual(image.exposure!.geom.dataShape, w.exposureShape);
  assert.equal(
    image.toString(),
    w.summary.replace(/\n+$/, "").replace(/Name\s+: \S+/, (m: string) => m.replace(/\S+$/, "image")),
  );
});

test("imageOf sums a map as toImage sums the counts and the background (the previews draw these)", () => {
  const d = readDataset(fixturePath("gammapy-dataset.fits.gz"));
  const image = d.toImage();
  for (const [summed, made] of [
    [d.imageOf(d.counts), image.counts],
    [d.imageOf(d.npredBackground()!), image.background!],
  ]) {
    assert.ok(summed.geom.equals(made.geom));
    assert.deepEqual([...summed.data], [...made.data]);
  }
});
