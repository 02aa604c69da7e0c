import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, MapAxis, MapDataset, MIGRA_AXIS_V015, WcsGeom } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { planeSums, sampleMap } from "@gammaflow/core/testing";
import { MapDatasetMaker } from "../src/index.js";
import { DATA } from "./stores.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../../..");
const fx = JSON.parse(
  readFileSync(path.join(repo, "plugins/map-dataset-maker/test/fixtures/map_dataset_maker.json"), "utf8"),
);

function close(actual: ArrayLike<number>, expected: number[], rtol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  const scale = Math.max(...expected.map(Math.abs));
  expected.forEach((e, i) =>
    assert.ok(
      Math.abs(actual[i] - e) <= rtol * Math.max(Math.abs(e), 1e-9 * scale),
      `${what}[${i}]: ${actual[i]} vs ${e}`,
    ),
  );
}

const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 5 });

// The fixture's datasets have EDisp maps on v0.15's migra axis: gammapy 1.0 makes them when given the axis.
const v015 = { migraAxis: MIGRA_AXIS_V015 };

test("MapDataset.create: the geometries and diagonal EDisp gammapy creates", () => {
  const empty = MapDataset.create(geom, { name: "empty", ...v015 });
  assert.deepEqual(empty.exposure!.geom.dataShape, fx.emptyShapes.exposure);
  assert.deepEqual(empty.psf!.psfMap.geom.dataShape, fx.emptyShapes.psf);
  assert.deepEqual(empty.psf!.exposureMap!.geom.dataShape, fx.emptyShapes.psfExposure);
  assert.deepEqual(empty.edisp!.edispMap.geom.dataShape, fx.emptyShapes.edisp);
  close(sampleMap(empty.edisp!.edispMap, 6, 5), fx.emptyEdisp.sample, 1e-12, "diagonal edisp");
  assert.equal(empty.exposure!.geom.axes[0].name, "energy_true");
  assert.throws(
    () => MapDataset.create(geom, { radAxis: MapAxis.fromBounds(0, 1, 3, { name: "offset" }) }),
    /rad axis is named 'offset'/,
  );
  const theta = MapDataset.create(geom, { radAxis: MapAxis.fromBounds(0, 0.66, 66, { name: "theta", unit: "deg" }) });
  assert.equal(theta.psf!.psfMap.geom.axes[0].name, "rad");
});

test("MapDatasetMaker on run 23592 (the documentation's example) equals gammapy 1.0", () => {
  const obs = DataStore.fromDir(toStorePath(path.join(repo, "data/hess-dl3-dr1"))).obs(23592);
  const dataset = new MapDatasetMaker().run(MapDataset.create(geom, { name: "empty", ...v015 }), obs);
  assert.deepEqual([...dataset.counts.data], fx.counts.data, "counts exactly equal");
  assert.equal(dataset.counts.dtype, "float32");
  close(dataset.exposure!.data, fx.exposure.data, 1e-6, "exposure");
  assert.equal(dataset.exposure!.unit, fx.exposure.unit);
  close(dataset.background!.data, fx.background.data, 1e-6, "background");
  close(sampleMap(dataset.psf!.psfMap, 6, 5), fx.psf.sample, 1e-6, "psf");
  close(planeSums(dataset.psf!.psfMap), fx.psf.planeSums, 1e-6, "psf plane sums");
  assert.equal(dataset.psf!.psfMap.unit, "deg-2");
  close(dataset.psf!.exposureMap!.data, fx.psfExposure.data, 1e-6, "psf exposure");
  close(sampleMap(dataset.edisp!.edispMap, 6, 5), fx.edisp.sample, 1e-6, "edisp");
  close(planeSums(dataset.edisp!.edispMap), fx.edisp.planeSums, 1e-6, "edisp plane sums");
  close(dataset.edisp!.exposureMap!.data, fx.edispExposure.data, 1e-6, "edisp exposure");
  assert.equal(dataset.maskSafe!.sum(), fx.maskSafe);
});

test("MapDatasetMaker: selection", () => {
  assert.throws(() => new MapDatasetMaker({ selection: ["counts", "flux" as never] }), /unknown selection flux/);
  const hess = DataStore.fromDir(toStorePath(path.join(repo, "data/hess-dl3-dr1"))).obs(23592);
  const countsOnly = new MapDatasetMaker({ selection: ["counts"] }).run(MapDataset.create(geom), hess);
  assert.equal(countsOnly.counts.sum(), 2016);
  assert.equal(countsOnly.exposure, undefined);
});

const VERITAS = "veritas/crab-point-like-ED";
test("MapDatasetMaker: point-like IRFs are refused by name", DATA.needs(VERITAS), () => {
  const veritas = DataStore.fromDir(toStorePath(DATA.path(VERITAS))).obs(64080);
  assert.throws(
    () => new MapDatasetMaker().run(MapDataset.create(geom), veritas),
    /observation 64080: the aeff_2d IRF is point-like/,
  );
});

test("energies beyond the run's IRFs give finite maps, out of the safe mask, and a warning naming the run", () => {
  const obs = DataStore.fromDir(toStorePath(path.join(repo, "data/hess-dl3-dr1"))).obs(23523);
  const wide = MapAxis.fromEnergyBounds(0.001, 1000, 12, { unit: "TeV" });
  const reference = MapDataset.create(WcsGeom.create({ skydir: [83.63, 22.01], axes: [wide], width: 3, binsz: 0.1 }));
  const warnings: string[] = [];
  const dataset = new MapDatasetMaker({ warn: (m) => warnings.push(m) }).run(reference, obs);
  for (const [what, map] of Object.entries({
    counts: dataset.counts,
    exposure: dataset.exposure!,
    background: dataset.background!,
    psf: dataset.psf!.psfMap,
    edisp: dataset.edisp!.edispMap,
  })) {
    assert.ok(map.data.every(Number.isFinite), `${what} is finite everywhere`);
  }
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0],
    new RegExp(
      "^observation 23523: its IRFs do not cover all requested energies \\(0\\.001–1000 TeV\\): " +
        "effective area 0\\.01–100 TeV, background 0\\.1–100 TeV; " +
        "6 of 12 energy bins are left out of the safe mask$",
    ),
  );
  // two bins per decade: bins 4..9 span 0.1–100 TeV, inside both IRFs
  const pixels = dataset.counts.geom.imageSize;
  assert.deepEqual(
    planeSums(dataset.maskSafe!),
    Array.from({ length: 12 }, (_, k) => (k >= 4 && k <= 9 ? pixels : 0)),
  );
});

test("offsetMax leaves pixels beyond it out of the maker's safe mask, as SafeMaskMaker's offset-max does", () => {
  const obs = DataStore.fromDir(toStorePath(path.join(repo, "data/hess-dl3-dr1"))).obs(23523);
  const reference = MapDataset.create(WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 6, binsz: 0.1 }));
  const dataset = new MapDatasetMaker({ offsetMax: "2 deg", selection: ["counts"] }).run(reference, obs);
  const offsets = dataset.counts.geom.toImage().separation(obs.pointingRadec);
  const n = offsets.length;
  for (let i = 0; i < dataset.maskSafe!.data.length; i++)
    assert.equal(dataset.maskSafe!.data[i], offsets[i % n] < 2 ? 1 : 0);
  assert.ok(dataset.maskSafe!.sum() > 0 && dataset.maskSafe!.sum() < dataset.maskSafe!.data.length);
});
