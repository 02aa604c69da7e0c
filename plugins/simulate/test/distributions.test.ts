import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { GTI, MapDatasetEventSampler, modelsFromDict, trueEnergyNpred } from "@gammaflow/core";
import { readDataset } from "@gammaflow/core/node";
import { REPO } from "./cases.js";

// Sampled source events against the npred they are drawn from (Kolmogorov–Smirnov at fixed
// seeds): true energies, positions (pixel coordinates along x and y) and times.

/** The KS distance of sorted samples from a CDF. */
function ksDistance(samples: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
  });
  return d;
}

/** The CDF of a piecewise-uniform density: weight w[k] spread evenly over [k − 0.5, k + 0.5). */
function binnedCdf(weights: number[]): (x: number) => number {
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = [0];
  for (const w of weights) cumulative.push(cumulative[cumulative.length - 1] + w / total);
  return (x) => {
    const p = x + 0.5;
    if (p <= 0) return 0;
    if (p >= weights.length) return 1;
    const k = Math.floor(p);
    return cumulative[k] + (cumulative[k + 1] - cumulative[k]) * (p - k);
  };
}

test("sampled energies, positions and times follow the source's npred (KS at 1 %)", () => {
  const dataset = readDataset(path.join(REPO, "core/test/fixtures/npred_dataset.fits.gz"));
  dataset.name = "crab";
  dataset.gti = GTI.create([0], [1800]);
  dataset.models = modelsFromDict({
    components: [
      {
        name: "src",
        type: "SkyModel",
        spectral: {
          type: "PowerLawSpectralModel",
          parameters: [
            { name: "index", value: 2.2 },
            { name: "amplitude", value: 3e-9, unit: "cm-2 s-1 TeV-1" },
          ],
        },
        spatial: {
          type: "GaussianSpatialModel",
          frame: "icrs",
          parameters: [
            { name: "lon_0", value: 83.7, unit: "deg" },
            { name: "lat_0", value: 22.0, unit: "deg" },
            { name: "sigma", value: 0.15, unit: "deg" },
          ],
        },
      },
    ],
  });
  const events = new MapDatasetEventSampler({ randomState: 21 }).sampleSources(dataset).columns;
  const n = events.TIME.length;
  assert.ok(n > 5000, `${n} events`);
  const npred = trueEnergyNpred([...dataset.evaluators.values()][0]);
  const geom = npred.geom;
  const [planes, ny, nx] = geom.dataShape;
  const sumOver = (which: "e" | "y" | "x") => {
    const size = which === "e" ? planes : which === "y" ? ny : nx;
    const w = new Array<number>(size).fill(0);
    npred.data.forEach((v, i) => {
      const x = i % nx;
      const y = Math.floor(i / nx) % ny;
      const e = Math.floor(i / (nx * ny));
      w[which === "e" ? e : which === "y" ? y : x] += v;
    });
    return w;
  };
  const critical = 1.63 / Math.sqrt(n);
  const pix = geom.coordToPix({ lon: events.RA_TRUE, lat: events.DEC_TRUE, energy_true: events.ENERGY_TRUE });
  const checks: Array<[string, Float64Array, (x: number) => number]> = [
    ["energy (pixel)", pix[2], binnedCdf(sumOver("e"))],
    ["x (pixel)", pix[0], binnedCdf(sumOver("x"))],
    ["y (pixel)", pix[1], binnedCdf(sumOver("y"))],
    ["time (s)", events.TIME, (t) => Math.min(Math.max(t / 1800, 0), 1)],
  ];
  for (const [what, samples, cdf] of checks) {
    const d = ksDistance(samples, cdf);
    assert.ok(d < critical, `${what}: KS distance ${d.toFixed(4)} ≥ ${critical.toFixed(4)} (n ${n})`);
  }
});
