// Closure test as ctools' cspull runs it: simulate a Crab-like point source + power law from
// H.E.S.S. run 23523's IRFs, fit each simulation from the truth, and check that the pulls
// (fitted − true) / error of index and amplitude follow a unit Gaussian. Prints mean and width
// with their statistical uncertainties and writes bench/results/pulls.png (two histograms with
// the unit Gaussian expected for that many pulls).
// Usage: node bench/pulls.mjs [n=1000] [seed=1] [livetime="4 h"] (n = 1000: the mean is then known to ±0.03,
// so the ±0.15 acceptance means something; n = 100 gives ±0.10)
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import { encodePng, loadIrfDict } from "@gammaflow/core";
import { readFits } from "@gammaflow/core/node";
import { pullDistribution } from "@gammaflow/simulate";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const n = Number(process.argv[2] ?? 1000);
const seed = Number(process.argv[3] ?? 1);
const livetime = process.argv[4] ?? "4 h";
const irfs = loadIrfDict(readFits(path.join(repo, "data/hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz")));

const t0 = performance.now();
const result = pullDistribution({ n, seed, livetime, irfs });
const seconds = (performance.now() - t0) / 1000;

const fitted = n - result.failures;
console.log(
  `${n} simulations (seeds ${seed}–${seed + n - 1}, ${livetime}, background norm fitted): ` +
    `${result.failures} failed, ${seconds.toFixed(1)} s (${((1000 * seconds) / n).toFixed(0)} ms each)`,
);
for (const name of ["index", "amplitude"]) {
  const { mean, std } = result[name];
  const meanError = std / Math.sqrt(fitted);
  const stdError = std / Math.sqrt(2 * fitted);
  console.log(
    `pull ${name.padEnd(10)} mean ${mean.toFixed(3).padStart(6)} ± ${meanError.toFixed(3)}   ` +
      `width ${std.toFixed(3)} ± ${stdError.toFixed(3)}`,
  );
}
for (const message of result.failureMessages) console.log(`  failed: ${message}`);

const GREY = [150, 150, 150];
const BLACK = [0, 0, 0];
const RED = [220, 30, 30];
const out = path.join(repo, "bench", "results", "pulls.png");
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, histogramsPng([result.index.pulls, result.amplitude.pulls]));
console.log(`wrote ${path.relative(repo, out)}`);

/** Side-by-side histograms of pulls in [−4, 4] with the unit Gaussian's expected counts (red). */
function histogramsPng(samples) {
  const panel = { width: 400, height: 300, margin: 20 };
  const width = panel.width * samples.length;
  const height = panel.height;
  const rgba = new Uint8Array(width * height * 4).fill(255);
  const setPixel = (x, y, [r, g, b]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = 4 * (Math.round(y) * width + Math.round(x));
    rgba[i] = r;
    rgba[i + 1] = g;
    rgba[i + 2] = b;
  };
  const [lo, hi, binWidth] = [-4, 4, 0.5];
  const bins = (hi - lo) / binWidth;
  samples.forEach((pulls, k) => {
    const left = k * panel.width + panel.margin;
    const plotWidth = panel.width - 2 * panel.margin;
    const plotHeight = panel.height - 2 * panel.margin;
    const bottom = panel.height - panel.margin;
    const counts = new Array(bins).fill(0);
    for (const p of pulls) {
      const b = Math.floor((p - lo) / binWidth);
      if (b >= 0 && b < bins) counts[b]++;
    }
    const gaussian = (x) => (pulls.length * binWidth * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
    const top = Math.max(...counts, gaussian(0)) * 1.1;
    const toX = (x) => left + ((x - lo) / (hi - lo)) * plotWidth;
    const toY = (count) => bottom - (count / top) * plotHeight;
    for (let b = 0; b < bins; b++) {
      const x0 = Math.ceil(toX(lo + b * binWidth)) + 1;
      const x1 = Math.floor(toX(lo + (b + 1) * binWidth)) - 1;
      for (let x = x0; x <= x1; x++) for (let y = Math.round(toY(counts[b])); y <= bottom; y++) setPixel(x, y, GREY);
    }
    for (let x = left; x <= left + plotWidth; x++) setPixel(x, bottom, BLACK); // axis
    // a tick at each unit
    for (let t = lo; t <= hi; t++) for (let dy = 1; dy <= 4; dy++) setPixel(toX(t), bottom + dy, BLACK);
    for (let y = panel.margin; y < bottom; y += 4) setPixel(toX(0), y, BLACK); // dotted zero line
    // the curve, drawn column by column and joined vertically so it has no gaps
    let previous = toY(gaussian(lo));
    for (let x = left; x <= left + plotWidth; x++) {
      const y = toY(gaussian(lo + ((x - left) / plotWidth) * (hi - lo)));
      for (let yy = Math.min(y, previous); yy <= Math.max(y, previous); yy++) {
        setPixel(x, yy, RED);
        setPixel(x, yy + 1, RED);
      }
      previous = y;
    }
  });
  return encodePng(rgba, width, height, deflateSync);
}
