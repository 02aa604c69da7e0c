import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  GTI,
  loadIrfDict,
  MapAxis,
  MapDataset,
  MapDatasetEventSampler,
  modelsFromDict,
  MemoryObservation,
  SkyCoord,
  WcsGeom,
  withKernelPaths,
} from "@gammaflow/core";
import { readDataset, readFits } from "@gammaflow/core/node";
import { MapDatasetMaker } from "@gammaflow/map-dataset-maker";
import { CALDB, NEEDS_CALDB, REPO } from "./cases.js";

const fx = JSON.parse(readFileSync(path.join(REPO, "plugins/simulate/test/fixtures/event_sampler.json"), "utf8"));

function crabDataset() {
  const dataset = readDataset(path.join(REPO, "core/test/fixtures/npred_dataset.fits.gz"));
  dataset.name = "crab";
  dataset.gti = GTI.create([0], [1800]);
  dataset.models = modelsFromDict(fx.models);
  return dataset;
}

test("MapDatasetEventSampler(3).run: gammapy 1.0's events per MC_ID, and its events themselves", () => {
  const events = new MapDatasetEventSampler({ randomState: fx.seed }).run(
    crabDataset(),
    new SkyCoord(fx.pointing[0], fx.pointing[1]),
  );
  const c = events.columns;
  const perMcId: Record<string, number> = {};
  for (const id of c.MC_ID) perMcId[String(id)] = (perMcId[String(id)] ?? 0) + 1;
  assert.deepEqual(perMcId, fx.perMcId);
  assert.equal(c.TIME.length, fx.nEvents);
  for (const [name, values] of Object.entries(fx.first as Record<string, number[]>)) {
    values.forEach((v, i) =>
      assert.ok(Math.abs(c[name][i] - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${name}[${i}]: ${c[name][i]} vs ${v}`),
    );
  }
  // every event: the column sums (positions, energies and times all drawn as gammapy draws them)
  for (const [name, sum] of Object.entries(fx.sums as Record<string, number>)) {
    const ours = c[name].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(ours - sum) <= 1e-9 * Math.abs(sum), `sum of ${name}: ${ours} vs ${sum}`);
  }
  assert.deepEqual(events.models, [
    { id: 0, name: "crab-bkg" },
    { id: 1, name: "point" },
  ]);
});

test("the sampler's direct PSF/EDisp rows give the reference path's events (interpByCoord at every node)", () => {
  const sample = (paths: "tuned" | "reference") =>
    withKernelPaths(paths, () =>
      new MapDatasetEventSampler({ randomState: 11 }).run(crabDataset(), new SkyCoord(fx.pointing[0], fx.pointing[1])),
    );
  const [tuned, reference] = [sample("tuned"), sample("reference")];
  for (const name of ["RA", "DEC", "ENERGY"]) {
    assert.equal(tuned.columns[name].length, reference.columns[name].length);
    tuned.columns[name].forEach((v, i) =>
      assert.ok(Math.abs(v - reference.columns[name][i]) <= 1e-9 * Math.abs(v), `${name}[${i}]`),
    );
  }
});

test("background only: the sampled background's events as they are, columns not shared", () => {
  const dataset = crabDataset();
  const models = structuredClone(fx.models);
  for (const c of models.components) {
    const amplitude = c.spectral.parameters.find((p: { name: string }) => p.name === "amplitude");
    if (amplitude) amplitude.value = 0; // poisson(0) draws nothing: the background's draws as alone
  }
  dataset.models = modelsFromDict(models);
  const events = new MapDatasetEventSampler({ randomState: 4 }).run(
    dataset,
    new SkyCoord(fx.pointing[0], fx.pointing[1]),
  );
  const alone = new MapDatasetEventSampler({ randomState: 4 }).sampleBackground(crabDataset()).columns;
  const c = events.columns;
  assert.ok(c.TIME.length > 100 && c.TIME.length === alone.TIME.length);
  assert.deepEqual(
    [...c.EVENT_ID],
    Array.from({ length: c.TIME.length }, (_, i) => i),
  );
  assert.ok(c.MC_ID.every((id) => id === 0));
  for (const name of ["RA", "DEC", "ENERGY", "RA_TRUE", "DEC_TRUE", "ENERGY_TRUE", "TIME"])
    assert.deepEqual(c[name], alone[name], name);
  const arrays = new Set(Object.values(c));
  assert.equal(arrays.size, Object.keys(c).length, "every column its own array");
});

const MC_ID = "gammapy 1.0's own test_MC_ID (CTA 1DC, three Gaussians): 215 events, 40 of the background";
test(MC_ID, NEEDS_CALDB, () => {
  // gammapy/datasets/tests/test_simulate.py::test_MC_ID with its model_alternative fixture
  const pointing = new SkyCoord(0, 0, "galactic");
  const obs = new MemoryObservation({ obsId: 1001, pointing, livetime: 360, irfs: loadIrfDict(readFits(CALDB)) });
  const energy = MapAxis.fromEnergyBounds(1, 10, 10, { perDecade: true });
  const energyAxisTrue = MapAxis.fromEnergyBounds(0.5, 20, 20, { perDecade: true, name: "energy_true" });
  const migraAxis = MapAxis.fromBounds(0.5, 2, 150, { nodeType: "edges", name: "migra" });
  const icrs = pointing.transformTo("icrs");
  const geom = WcsGeom.create({ skydir: [icrs.lon, icrs.lat], width: 2, binsz: 0.06, frame: "icrs", axes: [energy] });
  const empty = MapDataset.create(geom, { energyAxisTrue, migraAxis, name: "test" });
  const maker = new MapDatasetMaker({ selection: ["exposure", "background", "psf", "edisp"] });
  const dataset = maker.run(empty, obs);
  const gauss = (name: string, lon: number, lat: number) => ({
    name,
    type: "SkyModel",
    spectral: {
      type: "PowerLawSpectralModel",
      parameters: [{ name: "amplitude", value: 1e-11, unit: "cm-2 s-1 TeV-1" }],
    },
    spatial: {
      type: "GaussianSpatialModel",
      frame: "galactic",
      parameters: [
        { name: "lon_0", value: lon, unit: "deg" },
        { name: "lat_0", value: lat, unit: "deg" },
        { name: "sigma", value: 0.2, unit: "deg" },
      ],
    },
  });
  dataset.models = modelsFromDict({
    components: [
      gauss("test-source", 0, 0),
      gauss("test-source2", 0.5, 0.5),
      { name: "test-bkg", type: "FoVBackgroundModel", datasets_names: ["test"] },
      gauss("test-source3", 0.5, 0),
    ],
  });
  const events = new MapDatasetEventSampler({ randomState: 0 }).run(dataset, pointing);
  const mcId = events.columns.MC_ID;
  assert.equal(mcId.length, 215);
  assert.equal(mcId.filter((id) => id === 0).length, 40);
});
