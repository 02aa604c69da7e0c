import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, MapAxis, MapDataset, WcsGeom, type WcsNDMap } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { MapDatasetMaker } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../../..");
const fx = JSON.parse(readFileSync(path.join(repo, "plugins/map-dataset-maker/test/fixtures/map_dataset_stack.json"), "utf8"));

function sampled(map: WcsNDMap, step: number): number[] {
  const { nx, ny, imageSize } = map.geom;
  const out: number[] = [];
  for (let p = 0; p < map.data.length / imageSize; p++) for (let y = 0; y < ny; y += step) for (let x = 0; x < nx; x += step) out.push(map.data[(p * ny + y) * nx + x]);
  return out;
}

function assertSampled(map: WcsNDMap, want: any, step: number, rtol: number, what: string): void {
  assert.deepEqual(map.geom.dataShape, want.shape, `${what} shape`);
  const values = sampled(map, step);
  const scale = Math.max(...want.sample.map(Math.abs));
  want.sample.forEach((e: number, i: number) => assert.ok(Math.abs(values[i] - e) <= rtol * Math.max(Math.abs(e), 1e-9 * scale), `${what}[${i}]: ${values[i]} vs ${e}`));
  const n = map.geom.imageSize;
  want.planeSums.forEach((e: number, p: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += map.data[p * n + i];
    assert.ok(Math.abs(sum - e) <= rtol * Math.max(Math.abs(e), 1e-9 * scale), `${what} plane ${p}: ${sum} vs ${e}`);
  });
}

test("stacking two runs cut out with partial overlaps equals gammapy 1.0", () => {
  const store = DataStore.fromDir(toStorePath(path.join(repo, "data/hess-dl3-dr1")));
  const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 5, binsz: 0.02 });
  const stacked = MapDataset.create(geom, { name: "stacked" });
  assert.equal(stacked.maskSafe!.sum(), 0, "gammapy 1.0 creates an all-false safe mask");
  const maker = new MapDatasetMaker();
  for (const obs of store.getObservations([23523, 23592])) {
    const cutout = stacked.cutout(obs.pointingRadec, "2.5 deg");
    stacked.stack(maker.run(cutout, obs));
  }
  const nonzero: number[] = [];
  stacked.counts.data.forEach((v, i) => v !== 0 && nonzero.push(i));
  assert.deepEqual(nonzero, fx.countsIndex, "counts: the same non-zero bins");
  assert.deepEqual(nonzero.map((i) => stacked.counts.data[i]), fx.countsValue, "counts: exactly equal");
  assertSampled(stacked.exposure!, fx.exposure, 13, 1e-6, "exposure");
  assertSampled(stacked.background!, fx.background, 13, 1e-6, "background");
  assertSampled(stacked.psf!.psfMap, fx.psf, 8, 1e-6, "psf");
  assertSampled(stacked.psf!.exposureMap!, fx.psfExposure, 3, 1e-6, "psf exposure");
  assertSampled(stacked.edisp!.edispMap, fx.edisp, 8, 1e-6, "edisp");
  assert.equal(stacked.maskSafe!.sum(), fx.maskSafeSum);
  assert.deepEqual([...stacked.gti.start].map((v, i) => Math.abs(v - fx.gtiStart[i]) < 1e-6), fx.gtiStart.map(() => true));
  assert.deepEqual([...stacked.gti.stop].map((v, i) => Math.abs(v - fx.gtiStop[i]) < 1e-6), fx.gtiStop.map(() => true));
  assert.ok(Math.abs((stacked.exposure!.meta.livetime as number) - fx.livetime) < 1e-6);
});
