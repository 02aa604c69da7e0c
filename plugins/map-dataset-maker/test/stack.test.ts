import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, MapAxis, MapDataset, MIGRA_AXIS_V015, WcsGeom, type WcsNDMap } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { assertMapClose, type SampledMap } from "@gammaflow/core/testing";
import { MapDatasetMaker } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../../..");
const fx = JSON.parse(
  readFileSync(path.join(repo, "plugins/map-dataset-maker/test/fixtures/map_dataset_stack.json"), "utf8"),
);

const close = (map: WcsNDMap, want: SampledMap, step: number, what: string) =>
  assertMapClose(map, want, { step, rtol: 1e-6, what, sumFloor: true });

test("stacking two runs cut out with partial overlaps equals gammapy 1.0", () => {
  const store = DataStore.fromDir(toStorePath(path.join(repo, "data/hess-dl3-dr1")));
  const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 5, binsz: 0.02 });
  // the fixture's EDisp map is on v0.15's migra axis (gammapy 1.0 makes it when given the axis)
  const stacked = MapDataset.create(geom, { name: "stacked", migraAxis: MIGRA_AXIS_V015 });
  assert.equal(stacked.maskSafe!.sum(), 0, "gammapy 1.0 creates an all-false safe mask");
  const maker = new MapDatasetMaker();
  for (const obs of store.getObservations([23523, 23592])) {
    const cutout = stacked.cutout(obs.pointingRadec, "2.5 deg");
    stacked.stack(maker.run(cutout, obs));
  }
  const nonzero: number[] = [];
  stacked.counts.data.forEach((v, i) => v !== 0 && nonzero.push(i));
  assert.deepEqual(nonzero, fx.countsIndex, "counts: the same non-zero bins");
  assert.deepEqual(
    nonzero.map((i) => stacked.counts.data[i]),
    fx.countsValue,
    "counts: exactly equal",
  );
  close(stacked.exposure!, fx.exposure, 13, "exposure");
  close(stacked.background!, fx.background, 13, "background");
  close(stacked.psf!.psfMap, fx.psf, 8, "psf");
  close(stacked.psf!.exposureMap!, fx.psfExposure, 3, "psf exposure");
  close(stacked.edisp!.edispMap, fx.edisp, 8, "edisp");
  assert.equal(stacked.maskSafe!.sum(), fx.maskSafeSum);
  assert.deepEqual(
    [...stacked.gti.start].map((v, i) => Math.abs(v - fx.gtiStart[i]) < 1e-6),
    fx.gtiStart.map(() => true),
  );
  assert.deepEqual(
    [...stacked.gti.stop].map((v, i) => Math.abs(v - fx.gtiStop[i]) < 1e-6),
    fx.gtiStop.map(() => true),
  );
  assert.ok(Math.abs((stacked.exposure!.meta.livetime as number) - fx.livetime) < 1e-6);
});
