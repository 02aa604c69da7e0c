// Fits, gammaflow vs gammapy 1.0's Fit().run in the same session, on the same files and start
// models (core/test/fixtures, scripts/fixtures/fits.py): point + power law on a 2-run Crab stack,
// a joint fit of the two runs, and a Gaussian + log parabola; then the cost of one npred
// evaluation after the first (a spectral change and a spatial change) on the stack.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Datasets, Fit, modelsFromDict } from "@gammaflow/core";
import { readDataset } from "@gammaflow/core/node";
import { bestOf, pythonBestMs, report } from "./common.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const fixtures = path.join(repo, "core", "test", "fixtures");
const fx = JSON.parse(readFileSync(path.join(fixtures, "fits.json"), "utf8"));
const fileOf = (name) => path.join(fixtures, fx.runFiles[name] ?? "npred_dataset.fits.gz");

function datasetsOf(c) {
  return new Datasets(
    c.datasets.map((name) => {
      const d = readDataset(fileOf(name));
      d.name = name;
      return d;
    }),
  );
}

const python = (c) => `
import time, json, warnings; warnings.filterwarnings("ignore")
import logging; logging.disable(logging.WARNING)
from gammapy.datasets import Datasets, MapDataset
from gammapy.modeling import Fit
from gammapy.modeling.models import Models
c = json.loads(${JSON.stringify(JSON.stringify(c))})
files = ${JSON.stringify(Object.fromEntries(c.datasets.map((n) => [n, fileOf(n)])))}
best = float("inf")
for _ in range(3):
    ds = Datasets([MapDataset.read(files[n], name=n) for n in c["datasets"]])
    ds.models = Models.from_dict(c["start"])
    t = time.perf_counter(); Fit().run(ds); best = min(best, time.perf_counter() - t)
print(best * 1000)
`;

/** Best of `repeat` fits after one warm-up, the files read outside the timing (as gammapy's are). */
function bestFitMs(c, repeat) {
  let best = Infinity;
  for (let i = 0; i <= repeat; i++) {
    const ds = datasetsOf(c);
    ds.models = modelsFromDict(c.start);
    const t0 = performance.now();
    new Fit().run(ds);
    if (i > 0) best = Math.min(best, performance.now() - t0);
  }
  return best;
}

for (const c of fx.fits) {
  const ours = bestFitMs(c, 3);
  report(`fit ${c.label} (${c.nfev} evaluations in gammapy)`, ours, pythonBestMs(python(c)), "gammapy");
}

// one npred after the first: a spectral step (spatial part reused) and a spatial step
const c = fx.fits[0];
const [stack] = datasetsOf(c);
stack.models = modelsFromDict(c.start);
stack.npred();
const index = stack.models.get("crab").parameters.get("index");
const lon = stack.models.get("crab").parameters.get("lon_0");
let flip = 1;
const spectral = await bestOf(20, () => {
  index.value += 1e-4 * (flip = -flip);
  stack.statSum();
});
const spatial = await bestOf(20, () => {
  lon.value += 1e-4 * (flip = -flip);
  stack.statSum();
});
const pyStep = `
import time, json, warnings; warnings.filterwarnings("ignore")
from gammapy.datasets import MapDataset
from gammapy.modeling.models import Models
c = json.loads(${JSON.stringify(JSON.stringify(c))})
d = MapDataset.read(${JSON.stringify(fileOf("crab-stack"))}, name="crab-stack")
d.models = Models.from_dict(c["start"]); d.stat_sum()
par = d.models["crab"].parameters[${JSON.stringify("PARAM")}]
best, s = float("inf"), 1
for _ in range(20):
    s = -s; par.value += 1e-4 * s
    t = time.perf_counter(); d.stat_sum(); best = min(best, time.perf_counter() - t)
print(best * 1000)
`;
report("one stat evaluation, spectral change", spectral, pythonBestMs(pyStep.replace("PARAM", "index")), "gammapy");
report("one stat evaluation, spatial change", spatial, pythonBestMs(pyStep.replace("PARAM", "lon_0")), "gammapy");
