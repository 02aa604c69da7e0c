import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { GTI, MapDatasetEventSampler, modelsFromDict, SkyCoord, withKernelPaths } from "@gammaflow/core";
import { readDataset } from "@gammaflow/core/node";
import { REPO } from "./cases.js";

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
