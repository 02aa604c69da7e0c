import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  MapAxis,
  MapDataset,
  MapDatasetOnOff,
  SkyCoord,
  datasetFromFits,
  datasetToHdus,
  writeFitsBytes,
  FitsFile,
  type WcsNDMap,
} from "@gammaflow/core";
import { readDataset } from "@gammaflow/core/node";

// Reference: scripts/fixtures/onoff_datasets.py (gammapy 1.0) on the bundled H.E.S.S. runs.
const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test/fixtures/onoff");
const expected = JSON.parse(readFileSync(path.join(DIR, "expected.json"), "utf8"));
const read = (name: string) => {
  const d = readDataset(path.join(DIR, name));
  assert.ok(d instanceof MapDatasetOnOff, `${name} reads as an on-off dataset`);
  return d;
};
const close = (got: number, want: number, rtol: number, what: string) =>
  assert.ok(Math.abs(got - want) <= rtol * Math.abs(want), `${what}: ${got} vs ${want}`);

function assertMapsClose(got: WcsNDMap | undefined, want: WcsNDMap | undefined, rtol: number, what: string): void {
  assert.ok(got && want, `${what} present`);
  assert.deepEqual(got.geom.dataShape, want.geom.dataShape, `${what} shape`);
  const scale = Math.max(...Array.from(want.data, Math.abs).filter(Number.isFinite));
  for (let i = 0; i < want.data.length; i++) {
    const [a, b] = [got.data[i], want.data[i]];
    if (Number.isNaN(b)) assert.ok(Number.isNaN(a), `${what}[${i}] NaN`);
    else assert.ok(Math.abs(a - b) <= rtol * Math.max(Math.abs(b), 1e-9 * scale), `${what}[${i}]: ${a} vs ${b}`);
  }
}

const summaryWithoutName = (s: string) => s.replace(/(Name\s+:) .*/, "$1 -");

test("gammapy's on-off datasets read as MapDatasetOnOff with its alpha, backgrounds, WStat and summary", () => {
  for (const id of ["23592", "23559"]) {
    const d = read(`ring-${id}.fits.gz`);
    const want = expected.runs[id];
    assert.equal(d.statType, "wstat");
    close(d.alpha!.sum(), want.alphaSum, 1e-6, "alpha sum");
    close(d.backgroundFromOff()!.sum(), want.backgroundSum, 1e-6, "background");
    close(d.npredBackground()!.sum(), want.npredBackgroundSum, 1e-9, "npred background");
    close(d.statSum(), want.statSum, 1e-9, "WStat sum");
    assert.equal(summaryWithoutName(d.toString()), summaryWithoutName(want.summary.replace(/\n+$/, "")));
  }
});

test(
  "stacking on-off datasets follows gammapy 1.0: " + "off counts summed in the safe masks, α the off-weighted mean",
  () => {
    const reference = read("stacked.fits.gz");
    const energyTrue = MapAxis.fromEnergyBounds("0.2 TeV", "50 TeV", 6, { name: "energy_true" });
    const stacked = MapDatasetOnOff.create(reference.counts.geom, {
      energyAxisTrue: energyTrue,
      migraAxis: MapAxis.fromBounds(0.2, 5, 12, { name: "migra" }),
      radAxis: MapAxis.fromBounds(0, 0.66, 22, { name: "rad", unit: "deg" }),
      binszIrf: 0.5,
      name: "stacked",
    });
    for (const id of ["23592", "23559"]) stacked.stack(read(`ring-${id}.fits.gz`));
    assertMapsClose(stacked.counts, reference.counts, 0, "counts");
    assertMapsClose(stacked.countsOff, reference.countsOff, 0, "counts_off");
    assertMapsClose(stacked.acceptance, reference.acceptance, 0, "acceptance");
    assertMapsClose(stacked.acceptanceOff, reference.acceptanceOff, 1e-6, "acceptance_off");
    assertMapsClose(stacked.maskSafe, reference.maskSafe, 0, "mask_safe");
    assertMapsClose(stacked.exposure, reference.exposure, 1e-6, "exposure");
    assertMapsClose(stacked.psf?.psfMap, reference.psf?.psfMap, 1e-6, "psf");
    close(stacked.statSum(), expected.stacked.statSum, 1e-6, "stacked WStat");
    assert.equal(stacked.toString(), expected.stacked.summary.replace(/\n+$/, ""));
    assert.throws(() => stacked.stack(MapDataset.create(reference.counts.geom)), /can only stack on-off datasets/);
  },
);

test(
  "to_image sums off counts and acceptance in the safe mask " +
    "and keeps the summed background; cutouts cut the off maps",
  () => {
    const cube = read("cube-23592.fits.gz");
    const image = cube.toImage();
    const want = read("cube-23592-image.fits.gz");
    assertMapsClose(image.counts, want.counts, 0, "counts");
    assertMapsClose(image.countsOff, want.countsOff, 1e-6, "counts_off");
    assertMapsClose(image.acceptance, want.acceptance, 1e-6, "acceptance");
    assertMapsClose(image.acceptanceOff, want.acceptanceOff, 1e-6, "acceptance_off");
    const cut = cube.cutout(new SkyCoord(84.2, 22.5), "1 deg", "partial");
    assert.ok(cut instanceof MapDatasetOnOff);
    assert.deepEqual(cut.countsOff!.geom.dataShape, expected.cutout.shape);
    close(cut.countsOff!.sum(), expected.cutout.countsOffSum, 1e-6, "cutout counts_off");
    close(cut.acceptanceOff!.sum(), expected.cutout.acceptanceOffSum, 1e-6, "cutout acceptance_off");
  },
);

test("an on-off dataset survives writing and reading in gammapy's layout", () => {
  const d = read("ring-23592.fits.gz");
  const back = datasetFromFits(FitsFile.parse(writeFitsBytes(datasetToHdus(d))));
  assert.ok(back instanceof MapDatasetOnOff);
  assertMapsClose(back.countsOff, d.countsOff, 0, "counts_off");
  assertMapsClose(back.acceptanceOff, d.acceptanceOff, 0, "acceptance_off");
  assert.equal(back.background, undefined, "no BACKGROUND HDU: the background comes from the off counts");
  assert.equal(back.statSum(), d.statSum());
});
