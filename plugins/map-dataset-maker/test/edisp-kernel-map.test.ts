import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  EDispKernelMap,
  EDispMap,
  MapAxis,
  MapDataset,
  MIGRA_AXIS_V015,
  SkyCoord,
  WcsGeom,
  type WcsNDMap,
} from "@gammaflow/core";
import { readDataset, writeDataset } from "@gammaflow/core/node";
import { planeSums, sampleMap, type SampledMap } from "@gammaflow/core/testing";
import { MapDatasetMaker } from "../src/index.js";
import { REPO, store } from "./stores.js";

// Reference: scripts/fixtures/edisp_kernel_map.py (gammapy 1.0), run 23592 and 23523 of the bundled data.
const FIXTURES = path.join(REPO, "plugins/map-dataset-maker/test/fixtures");
const fx = JSON.parse(readFileSync(path.join(FIXTURES, "edisp_kernel_map.json"), "utf8"));

/**
 * Sampled values and plane sums within 1e-6 relative, or within 1e-7 of the largest (float32's
 * rounding of it): kernel values far in the tails are differences of cumulative sums near 1, where
 * gammapy's sky → pixel round trip of the pixel centres mixes in ~1e-12 of the neighbours (≤ 6e-14
 * here; larger values agree within 2e-11).
 */
function close(map: WcsNDMap, want: SampledMap, step: number, what: string): void {
  assert.deepEqual(map.geom.dataShape, want.shape, `${what} shape`);
  assertValuesClose(sampleMap(map, step), want.sample, `${what}`);
  assertValuesClose(planeSums(map), want.planeSums, `${what} plane sums`);
}

function assertValuesClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  const floor = 1e-7 * Math.max(...expected.map(Math.abs));
  expected.forEach((e, i) =>
    assert.ok(Math.abs(actual[i] - e) <= Math.max(1e-6 * Math.abs(e), floor), `${what}[${i}]: ${actual[i]} vs ${e}`),
  );
}

const energy = MapAxis.fromEnergyBounds("1 TeV", "10 TeV", 4);
const energyAxisTrue = MapAxis.fromEnergyBounds("0.5 TeV", "20 TeV", 8, { name: "energy_true" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.05, axes: [energy] });
const hess = store("hess");

function kernelMap(dataset: MapDataset): EDispKernelMap {
  assert.ok(dataset.edisp instanceof EDispKernelMap, `${dataset.name}: an EDisp kernel map`);
  return dataset.edisp;
}

/**
 * The safe mask gammapy's SafeMaskMaker(edisp-bias 3 %, offset-max 1.2°) gave the run: its energy
 * bins (those with pixels in the fixture's mask) within 1.2° of the pointing (the safe-mask
 * package, which uses this one, checks the edisp-bias part itself).
 */
function safeMaskLike(dataset: MapDataset, pointing: SkyCoord, planeSums: number[]): void {
  const mask = dataset.maskSafe!;
  const n = mask.geom.imageSize;
  const offset = mask.geom.separation(pointing);
  for (let i = 0; i < mask.data.length; i++)
    mask.data[i] = planeSums[Math.floor(i / n)] > 0 && offset[i % n] < 1.2 ? 1 : 0;
}

test("MapDataset.create without a migra axis makes gammapy 1.0's diagonal EDispKernelMap", () => {
  const empty = MapDataset.create(geom, { energyAxisTrue, name: "empty" });
  const edisp = kernelMap(empty);
  assert.equal(edisp.edispMap.dtype, fx.emptyDtype);
  assert.deepEqual(edisp.edispMap.geom.axesNames, ["energy", "energy_true"]);
  assert.deepEqual(edisp.exposureMap!.geom.dataShape, fx.emptyExposureShape);
  close(edisp.edispMap, fx.emptyEdisp, 3, "diagonal kernel map");
  const withMigra = MapDataset.create(geom, { energyAxisTrue, migraAxis: MIGRA_AXIS_V015 });
  assert.ok(withMigra.edisp instanceof EDispMap, "with a migra axis: an EDispMap");
  assert.throws(() => empty.stack(withMigra), /kernel map and an EDisp migration map do not stack/);
});

test("run 23592: MapDatasetMaker's kernel map, its exposure and kernels equal gammapy 1.0", () => {
  const obs = hess.obs(23592);
  const run = new MapDatasetMaker().run(MapDataset.create(geom, { energyAxisTrue }), obs);
  const edisp = kernelMap(run);
  close(edisp.edispMap, fx.edisp, 3, "kernel map");
  close(edisp.exposureMap!, fx.edispExposure, 3, "kernel map exposure");
  const warnings: string[] = [];
  for (const { position, data } of fx.kernels) {
    const kernel = edisp.getEdispKernel(new SkyCoord(position[0], position[1]), energy, (m) => warnings.push(m));
    assertValuesClose(kernel.data, data, `kernel at ${position}`);
  }
  assert.equal(warnings.length, 1, "the position outside the map is moved, with a warning");
  const biasEnergy = edisp.getEdispKernel().biasEnergy(0.1);
  assert.ok(Math.abs(biasEnergy - fx.biasEnergy) <= 1e-6 * fx.biasEnergy, `bias energy ${biasEnergy}`);
  assert.throws(() => edisp.getEdispKernel(undefined, energy.squash()), /not the map's/);
  const migraRun = new MapDatasetMaker().run(
    MapDataset.create(geom, { energyAxisTrue, migraAxis: MIGRA_AXIS_V015 }),
    obs,
  );
  assert.ok(migraRun.edisp instanceof EDispMap);
  close(migraRun.edisp.toEdispKernelMap(energy).edispMap, fx.fromEdispMap, 3, "EDispMap.toEdispKernelMap");
});

test("two runs with per-energy safe masks stack (and one goes to an image) as in gammapy 1.0", () => {
  const stacked = MapDataset.create(geom, { energyAxisTrue, name: "stacked" });
  const maker = new MapDatasetMaker();
  for (const want of fx.runs) {
    const obs = hess.obs(want.obsId);
    const dataset = maker.run(stacked.cutout(obs.pointingRadec, "3 deg"), obs);
    safeMaskLike(dataset, obs.pointingRadec, want.maskPlaneSums);
    assert.deepEqual(planeSums(dataset.maskSafe!), want.maskPlaneSums, `run ${want.obsId} safe mask`);
    if (want.obsId === 23592) close(kernelMap(dataset.toImage()).edispMap, fx.toImage, 2, "toImage kernel map");
    stacked.stack(dataset);
  }
  const edisp = kernelMap(stacked);
  assert.equal(edisp.edispMap.dtype, fx.stacked.dtype);
  close(edisp.edispMap, fx.stacked.edisp, 3, "stacked kernel map");
  close(edisp.exposureMap!, fx.stacked.exposure, 3, "stacked kernel map exposure");
  const cutout = stacked.cutout(new SkyCoord(83.63, 22.01), "1 deg");
  assert.deepEqual(kernelMap(cutout).edispMap.geom.dataShape, [8, 4, 5, 5]);
  assert.deepEqual(kernelMap(cutout).exposureMap!.geom.dataShape, [8, 1, 5, 5]);
});

test("FITS: the kernel map gammapy 1.0 wrote reads; ours on the same run reads back and matches it", () => {
  const file = fx.file;
  const theirs = readDataset(path.join(FIXTURES, "edisp_kernel_map.fits.gz"));
  const edisp = kernelMap(theirs);
  assert.deepEqual(edisp.edispMap.geom.dataShape, file.shape);
  assert.deepEqual([...edisp.edispMap.data], file.edisp, "EDISP exactly as written");
  assert.deepEqual([...edisp.exposureMap!.data], file.edispExposure, "EDISP_EXPOSURE exactly as written");
  assert.equal(theirs.toString(), file.summary.replace(/\n+$/, ""));
  const small = theirs.counts.geom;
  const reference = MapDataset.create(small, {
    radAxis: MapAxis.fromBounds(0, 0.5, 5, { name: "rad", unit: "deg" }),
    binszIrf: 0.5,
    name: "small",
  });
  // the maker's maps do not depend on the safe mask: gammapy's run was safe-masked, ours need not be
  const ours = new MapDatasetMaker().run(reference, hess.obs(23592));
  const out = path.join(mkdtempSync(path.join(tmpdir(), "gammaflow-edisp-kernel-")), "ours.fits.gz");
  writeDataset(ours, out);
  const back = kernelMap(readDataset(out));
  assert.ok(back.edispMap.geom.equals(edisp.edispMap.geom), "EDISP geometry as gammapy's");
  assert.ok(back.exposureMap!.geom.equals(edisp.exposureMap!.geom), "EDISP_EXPOSURE geometry as gammapy's");
  assert.deepEqual([...back.edispMap.data], [...kernelMap(ours).edispMap.data], "EDISP read back identically");
  assertValuesClose(back.edispMap.data, file.edisp, "our EDISP vs gammapy's");
  assertValuesClose(back.exposureMap!.data, file.edispExposure, "our EDISP_EXPOSURE vs gammapy's");
});

test("EDispKernelMap: diagonal response, one kernel everywhere, and axis checks", () => {
  const diagonal = EDispKernelMap.fromDiagonalResponse(energy, energyAxisTrue);
  assert.deepEqual(diagonal.edispMap.geom.dataShape, [8, 4, 1, 2]);
  const kernel = diagonal.getEdispKernel();
  // each true-energy bin's row sums to the fraction of it within the reconstructed 1-10 TeV
  const edges = energyAxisTrue.edges;
  kernel.data.forEach((v, i) => assert.ok(v >= 0 && v <= 1, `kernel[${i}] = ${v}`));
  for (let t = 0; t < energyAxisTrue.nbin; t++) {
    const within = Math.max(Math.min(edges[t + 1], 10) - Math.max(edges[t], 1), 0) / (edges[t + 1] - edges[t]);
    const sum = kernel.row(t).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - within) < 1e-6, `row ${t}: ${sum} vs ${within}`);
  }
  const everywhere = EDispKernelMap.fromEdispKernel(kernel, geom);
  assert.deepEqual([...everywhere.getEdispKernel(new SkyCoord(83, 21.5)).data], [...kernel.data]);
  assert.throws(() => new EDispKernelMap(diagonal.edispMap.sliceByIdx({ energy: 0 })), /axes must be \[energy/);
});
