import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { MapDatasetOnOff, modelsFromDict, RandomState } from "@gammaflow/core";
import { readDataset } from "@gammaflow/core/node";
import { fx, NEEDS_CALDB, REPO, simulatedCase } from "./cases.js";

function countsDiffer(got: ArrayLike<number>, want: number[]): string | undefined {
  if (got.length !== want.length) return `${got.length} bins, gammapy ${want.length}`;
  const bad: number[] = [];
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) bad.push(i);
  return bad.length ? `${bad.length} bins differ, first at ${bad[0]}: ${got[bad[0]]} vs ${want[bad[0]]}` : undefined;
}

test("MapDataset.fake(0) on the Crab stack with a point source gives gammapy 1.0's counts exactly", () => {
  const dataset = readDataset(path.join(REPO, "core/test/fixtures/npred_dataset.fits.gz"));
  dataset.models = modelsFromDict(fx.crab.models);
  dataset.fake(fx.crab.seed);
  assert.equal(countsDiffer(dataset.counts.data, fx.crab.counts), undefined);
  // a generator object is shared: its stream goes on, so a second fake differs
  const random = new RandomState(fx.crab.seed);
  dataset.fake(random);
  const first = Float32Array.from(dataset.counts.data);
  dataset.fake(random);
  assert.notDeepEqual(Float32Array.from(dataset.counts.data), first);
});

test("fake(42) on v0.15's simulate_dataset case (CTA 1DC) gives gammapy 1.0's counts exactly", NEEDS_CALDB, () => {
  const dataset = simulatedCase();
  dataset.fake(fx.simulated.seed);
  assert.equal(countsDiffer(dataset.counts.data, fx.simulated.counts), undefined);
  const { nx, imageSize } = dataset.counts.geom;
  assert.equal(dataset.counts.data[5 * imageSize + 20 * nx + 20], fx.simulated.counts_5_20_20);
});

test("MapDatasetOnOff.fake(7) gives gammapy 1.0's on and off counts exactly", () => {
  const dataset = readDataset(path.join(REPO, "core/test/fixtures/onoff/cube-23592.fits.gz"));
  assert.ok(dataset instanceof MapDatasetOnOff);
  dataset.psf = undefined; // as the fixture (gammapy's FFT noise would give negative npred)
  dataset.models = modelsFromDict(fx.onoff.models);
  const background = dataset.backgroundFromOff();
  dataset.fake(fx.onoff.seed, background);
  assert.equal(countsDiffer(dataset.counts.data, fx.onoff.counts), undefined, "on counts");
  assert.equal(countsDiffer(dataset.countsOff!.data, fx.onoff.countsOff), undefined, "off counts");
  assert.throws(() => dataset.fake(1), /needs the background in the on region/);
  // gammapy's argument order gives the same draws
  const counts = Float64Array.from(dataset.counts.data);
  dataset.fake(background, fx.onoff.seed);
  assert.deepEqual(Float64Array.from(dataset.counts.data), counts);
});
