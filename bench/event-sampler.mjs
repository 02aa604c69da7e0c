// Event sampling, gammaflow's MapDatasetEventSampler vs gammapy 1.0's in the same session, on the
// Crab stack (core/test/fixtures/npred_dataset.fits.gz) with a point source + power law and the
// FoV background scaled up, GTI 0-1800 s, run 23523's pointing; then ours alone on 1e7 events
// in a process of its own, with its peak memory (gammapy's sampler builds events x PSF bins at
// once and fails near 1e6 source events: gammapy issue #5112).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GTI, MapDatasetEventSampler, modelsFromDict, SkyCoord } from "@gammaflow/core";
import { eventSamplingThread, readDataset } from "@gammaflow/core/node";
import { PYTHON, report } from "./common.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const file = path.join(repo, "core/test/fixtures/npred_dataset.fits.gz");
const runFile = path.join(repo, "data/hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz");
const pointing = [83.63333129882812, 22.51444435119629];

function models(amplitude, norm) {
  return {
    components: [
      {
        name: "point",
        type: "SkyModel",
        spectral: {
          type: "PowerLawSpectralModel",
          parameters: [
            { name: "index", value: 2.5 },
            { name: "amplitude", value: amplitude, unit: "cm-2 s-1 TeV-1" },
            { name: "reference", value: 1, unit: "TeV" },
          ],
        },
        spatial: {
          type: "PointSpatialModel",
          frame: "icrs",
          parameters: [
            { name: "lon_0", value: 83.633, unit: "deg" },
            { name: "lat_0", value: 22.014, unit: "deg" },
          ],
        },
      },
      {
        name: "crab-bkg",
        type: "FoVBackgroundModel",
        datasets_names: ["crab"],
        spectral: { type: "PowerLawNormSpectralModel", parameters: [{ name: "norm", value: norm }] },
      },
    ],
  };
}

/**
 * Our sampling of the dataset, in this process: the first call (V8 compiling the code as it
 * runs it) and the median of `repeat` calls after `warmup` more (its steady rate, as a series
 * of simulations sees it); ms and events. V8 has its optimised code for the sampler's loops only
 * after ~6 calls (2026-12-07, the 1e4 + 1e5 case: calls 2-6 took 90-120 ms, calls 7 on 40-55),
 * hence 10 warm-ups by default. With `helper` (the sampling thread, waited for) a second thread
 * writes part of each large background. `ms`: the best of the `repeat` (gammapy's is its best of
 * three: the same statistic on both sides), `median` beside it.
 */
function oursMs(amplitude, norm, repeat, warmup = 10, helper = undefined) {
  const started = performance.now();
  while (helper && !helper.ready())
    if (performance.now() - started > 30_000) throw new Error("the sampling thread did not start");
  const times = [];
  let events = 0;
  for (let i = 0; i < 1 + warmup + repeat; i++) {
    const dataset = readDataset(file);
    dataset.name = "crab";
    dataset.gti = GTI.create([0], [1800]);
    dataset.models = modelsFromDict(models(amplitude, norm));
    const t0 = performance.now();
    const sampled = new MapDatasetEventSampler({ randomState: i, helper }).run(dataset, new SkyCoord(...pointing));
    times.push(performance.now() - t0);
    events = sampled.columns.TIME.length;
  }
  const steady = times.slice(1 + warmup).sort((a, b) => a - b);
  return { first: times[0], ms: steady[0], median: steady[Math.floor(steady.length / 2)], events };
}

function gammapyMs(amplitude, norm) {
  const code = `
import time, warnings; warnings.filterwarnings("ignore")
import logging; logging.disable(logging.WARNING)
import astropy.units as u
from astropy.coordinates import SkyCoord
from astropy.time import Time
from gammapy.data import GTI, Observation
from gammapy.datasets import MapDataset, MapDatasetEventSampler
from gammapy.irf import load_irf_dict_from_file
from gammapy.modeling.models import Models
irfs = load_irf_dict_from_file(${JSON.stringify(runFile)})
obs = Observation.create(SkyCoord(${pointing[0]}, ${pointing[1]}, unit="deg"), livetime=1800 * u.s, irfs=irfs)
times, n = [], 0
for i in range(3):
    d = MapDataset.read(${JSON.stringify(file)}, name="crab")
    d.gti = GTI.create([0] * u.s, [1800] * u.s, reference_time=Time("2000-01-01 00:00:00"))
    d.models = Models.from_dict(${JSON.stringify(models(amplitude, norm))})
    t = time.perf_counter(); ev = MapDatasetEventSampler(random_state=i).run(d, obs)
    times.append(time.perf_counter() - t); n = len(ev.table)
times.sort()
print(n)
print(times[0] * 1000, times[1] * 1000)
`;
  const r = spawnSync(PYTHON, ["-c", code], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.warn(`gammapy run failed: ${(r.stderr || "").trim().split("\n").pop()}`);
    return null;
  }
  const [count, best] = r.stdout.trim().split("\n").slice(-2);
  const [ms, median] = best.split(" ").map(Number);
  return { ms, median, events: Number(count) };
}

if (process.argv[2] === "--alone") {
  // one process, 1e7 events: peak memory is the process's
  const helper = process.argv[5] === "--thread" ? eventSamplingThread() : undefined;
  const { first: ms, events } = oursMs(Number(process.argv[3]), Number(process.argv[4]), 0, 0, helper);
  console.log(JSON.stringify({ ms, events, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
} else {
  for (const [label, amplitude, norm] of [
    ["~1e4 source + 1e5 background events", 1e-9, 100],
    ["~1e5 source + 1e5 background events", 1e-8, 100],
    ["~1e6 background events, no source", 1e-30, 1000],
  ]) {
    const ours = oursMs(amplitude, norm, 5);
    const threaded = oursMs(amplitude, norm, 5, 10, eventSamplingThread());
    const theirs = gammapyMs(amplitude, norm);
    report(`sample ${label} (${ours.events})`, ours.ms, theirs?.ms, "gammapy");
    report(`  the same + the sampling thread`, threaded.ms, theirs?.ms, "gammapy");
    const rate = (r) => (r ? `${(((r.events / r.ms) * 1000) / 1e6).toFixed(2)} M events/s` : "n/a");
    const cold = theirs ? `, ${(theirs.ms / ours.first).toFixed(1)}×` : "";
    console.log(
      `${"".padEnd(44)} ours ${rate(ours)} (${rate(threaded)} with the thread), gammapy ${rate(theirs)}; ` +
        `our first call ${ours.first.toFixed(0)} ms${cold}`,
    );
    const medians = theirs
      ? `${(theirs.median / ours.median).toFixed(1)}× / ${(theirs.median / threaded.median).toFixed(1)}×`
      : "n/a";
    console.log(
      `${"".padEnd(44)} medians: ours ${ours.median.toFixed(1)} ms (${threaded.median.toFixed(1)} ms with the ` +
        `thread), gammapy ${theirs?.median.toFixed(1) ?? "n/a"} ms: ${medians}`,
    );
  }
  for (const thread of [[], ["--thread"]]) {
    const args = [fileURLToPath(import.meta.url), "--alone", "1e-7", "9700", ...thread];
    const alone = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (alone.status !== 0) console.warn(alone.stderr);
    else {
      const r = JSON.parse(alone.stdout.trim().split("\n").pop());
      const who = `ours alone${thread.length ? " + the sampling thread" : ""}`;
      console.log(
        `${who}: ${r.events} events in ${(r.ms / 1000).toFixed(1)} s ` +
          `(${(((r.events / r.ms) * 1000) / 1e6).toFixed(2)} M events/s), peak RSS ${r.maxRssMiB.toFixed(0)} MiB`,
      );
    }
  }
}
