import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Datasets, type MapDataset } from "../src/datasets/index.js";
import { Fit, modelsFromDict, type ModelsDict } from "../src/modeling/index.js";
import { readDataset } from "../src/nodejs/index.js";
import { fixturePath } from "./fixtures.js";

// Fits of H.E.S.S. Crab data against gammapy 1.0's Fit().run on the same files and start models
// (scripts/fixtures/fits.py): best-fit values within 0.1 σ, errors within 5 %, total stat within
// 0.01. The start models are gammapy's models dicts.
//
// The Gaussian + log-parabola fit is degenerate: the Crab is point-like to H.E.S.S., so sigma
// ends at 0.003 ± 0.004° against its bound at 0, where position and sigma share a flat valley.
// Both minimisers end in it (the statistic equal within 6e-5) at points up to 0.4 σ apart, with
// errors there that differ by up to 50 %: for that case the spectral parameters are held to
// 0.1 σ and 10 %, the spatial ones to 0.5 σ only. The well-conditioned Gaussian + log parabola is
// MSH 15-52 (σ ≈ 0.08°, last test), held to the full 0.1 σ, 5 % and 0.01.
const DEGENERATE: Record<string, string[]> = { "gauss-lp": ["lon_0", "lat_0", "sigma"] };

interface FitCase {
  label: string;
  datasets: string[];
  start: ModelsDict;
  parameters: Array<{ model: string; name: string; value: number; error: number; frozen: boolean }>;
  totalStat: number;
  nfev: number;
  success: boolean;
}

const fx = JSON.parse(readFileSync(fixturePath("fits.json"), "utf8")) as {
  runFiles: Record<string, string>;
  fits: FitCase[];
};

function datasetNamed(name: string): MapDataset {
  const file = fx.runFiles[name] ?? "npred_dataset.fits.gz";
  const dataset = readDataset(fixturePath(file));
  dataset.name = name;
  return dataset;
}

for (const c of fx.fits) {
  test(`fit '${c.label}' equals gammapy 1.0's (values, errors, total stat)`, () => {
    const datasets = new Datasets(c.datasets.map(datasetNamed));
    datasets.models = modelsFromDict(c.start);
    const result = new Fit().run(datasets);
    assert.equal(result.success, c.success, result.message);
    assert.ok(Math.abs(result.totalStat - c.totalStat) <= 0.01, `total stat ${result.totalStat} vs ${c.totalStat}`);
    const models = datasets.models;
    for (const want of c.parameters) {
      const p = models.get(want.model).parameters.get(want.name);
      if (want.frozen) {
        assert.equal(p.value, want.value, `${want.model}.${want.name} stays frozen at its value`);
        continue;
      }
      const flat = DEGENERATE[c.label]?.includes(want.name) ?? false;
      const degenerate = DEGENERATE[c.label] !== undefined;
      const pulls = Math.abs(p.value - want.value) / want.error;
      const maxPull = flat ? 0.5 : 0.1;
      assert.ok(pulls <= maxPull, `${want.model}.${want.name}: ${p.value} vs ${want.value} (${pulls.toFixed(3)} σ)`);
      if (flat) continue;
      const errorRatio = p.error / want.error;
      assert.ok(
        Math.abs(errorRatio - 1) <= (degenerate ? 0.1 : 0.05),
        `${want.model}.${want.name} error: ${p.error} vs ${want.error} (ratio ${errorRatio.toFixed(4)})`,
      );
    }
    console.log(
      `# ${c.label}: nfev ours ${result.nfev}, gammapy ${c.nfev}; stat ${result.totalStat} vs ${c.totalStat}`,
    );
  });
}

test("a fit refuses what it cannot do: no free parameters, a NaN start value", () => {
  const datasets = new Datasets([datasetNamed("crab-stack")]);
  const start = fx.fits[0].start;
  datasets.models = modelsFromDict(start);
  datasets.parameters.freezeAll();
  assert.throws(() => new Fit().optimize(datasets), /no free parameters/);
  datasets.models = modelsFromDict(start);
  datasets.parameters.get("index").value = Number.NaN;
  assert.throws(() => new Fit().optimize(datasets), /parameter 'index' starts at NaN/);
});

test("statContour: the 1σ contour of two parameters reaches their MINOS interval; stackReduce stacks", () => {
  const c = fx.fits.find((f) => f.label === "point-pl")!;
  const datasets = new Datasets(c.datasets.map(datasetNamed));
  datasets.models = modelsFromDict(c.start);
  const fit = new Fit();
  assert.equal(fit.run(datasets).success, true);
  // the two spectral parameters alone (the others frozen at the best fit): an exact 2-d problem
  for (const p of datasets.parameters) if (!["index", "amplitude"].includes(p.name)) p.frozen = true;
  const index = datasets.parameters.get("index");
  const best = index.value;
  const contour = fit.statContour(datasets, "index", "amplitude", { numpoints: 24 });
  assert.equal(contour.success, true);
  assert.equal(contour.x.length, 24);
  assert.equal(index.value, best, "values restored");
  const minos = fit.confidence(datasets, "index");
  assert.equal(minos.success, true, minos.message);
  const reach = Math.max(...contour.x) - best;
  assert.ok(Math.abs(reach / minos.errp - 1) <= 0.05, `contour reach ${reach} vs MINOS ${minos.errp}`);

  const runs = new Datasets(Object.keys(fx.runFiles).map(datasetNamed));
  const stacked = runs.stackReduce("both");
  assert.equal(stacked.name, "both");
  const total = [...runs].reduce((s, d) => s + d.counts.sum(), 0);
  assert.equal(stacked.counts.sum(), total);
});

test("a source outside the map: the fit reports failure with the reason, no NaN presented as a result", () => {
  const c = fx.fits.find((f) => f.label === "point-pl")!;
  const datasets = new Datasets(c.datasets.map(datasetNamed));
  const start = structuredClone(c.start);
  const spatial = start.components[0].spatial!;
  for (const p of spatial.parameters!) if (p.name === "lon_0") p.value = 120; // 30° off the 2° map
  datasets.models = modelsFromDict(start);
  const result = new Fit().run(datasets);
  assert.equal(result.success, false);
  assert.match(result.message, /Optimization failed|Hesse failed/);
  assert.ok(Number.isFinite(result.totalStat), "the statistic stays a number");
  const crab = datasets.models.get("crab").parameters;
  for (const p of crab) assert.ok(Number.isFinite(p.value), `${p.name} is ${p.value}`);
});

test("MINOS intervals and a statistic profile as gammapy's Fit.confidence and stat_profile", () => {
  const c = fx.fits.find((f) => f.label === "point-pl")! as FitCase & {
    confidence: Record<string, { success: boolean; errp: number; errn: number }>;
    profile: { values: number[]; statScan: number[] };
  };
  const datasets = new Datasets(c.datasets.map(datasetNamed));
  datasets.models = modelsFromDict(c.start);
  const fit = new Fit();
  fit.run(datasets);
  for (const [name, want] of Object.entries(c.confidence)) {
    const got = fit.confidence(datasets, name);
    assert.equal(got.success, want.success, got.message);
    for (const side of ["errp", "errn"] as const)
      assert.ok(Math.abs(got[side] / want[side] - 1) <= 0.05, `${name} ${side}: ${got[side]} vs ${want[side]}`);
  }
  // the profile's shape within 1 % (the other parameters stay fixed at each side's best fit,
  // 0.003 σ apart, which moves Δstat 2 σ out by ~0.2 %)
  const profile = fit.statProfile(datasets, "index", { values: c.profile.values });
  const mid = Math.floor(profile.statScan.length / 2);
  profile.statScan.forEach((s, i) => {
    const [ours, theirs] = [s - profile.statScan[mid], c.profile.statScan[i] - c.profile.statScan[mid]];
    assert.ok(
      Math.abs(ours - theirs) <= 0.01 * Math.abs(theirs) + 0.01,
      `Δstat at ${c.profile.values[i]}: ${ours} vs ${theirs}`,
    );
  });
});

test("a Gaussian + log-parabola fit of MSH 15-52 (extended, well conditioned) equals gammapy 1.0's", () => {
  // scripts/fixtures/fit_extended.py: six H.E.S.S. runs stacked by gammapy, the same start models
  const ext = JSON.parse(readFileSync(fixturePath("fit_extended.json"), "utf8")) as FitCase & { file: string };
  const dataset = readDataset(fixturePath(ext.file));
  dataset.name = "msh";
  const datasets = new Datasets([dataset]);
  datasets.models = modelsFromDict(ext.start);
  const result = new Fit().run(datasets);
  assert.equal(result.success, ext.success, result.message);
  assert.ok(Math.abs(result.totalStat - ext.totalStat) <= 0.01, `total stat ${result.totalStat} vs ${ext.totalStat}`);
  for (const want of ext.parameters.filter((p) => !p.frozen)) {
    const p = datasets.models.get(want.model).parameters.get(want.name);
    const pull = Math.abs(p.value - want.value) / want.error;
    assert.ok(pull <= 0.1, `${want.model}.${want.name}: ${p.value} vs ${want.value} (${pull.toFixed(3)} σ)`);
    assert.ok(Math.abs(p.error / want.error - 1) <= 0.05, `${want.name} error: ${p.error} vs ${want.error}`);
  }
  console.log(`# msh1552 gauss-lp: nfev ours ${result.nfev}, gammapy ${ext.nfev}`);
});
