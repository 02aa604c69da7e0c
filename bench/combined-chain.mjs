// The documentation's combined chain, per stage, gammaflow vs gammapy 1.0 in the same run:
// the 4 bundled Crab runs, then the 21 PKS 2155-304 runs of $GAMMAPY_DATA/hess-dl3-dr1.
// One thread each, each case in a fresh process on both sides; prints the time per stage
// (summed over runs), the ratio, and peak memory. `--repeat N` runs each case N times, ours
// and gammapy's alternating, and prints the medians (a shared VM's timings drift by 10–40 %).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, MapAxis, MapDataset, WcsGeom } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { gammapyDataDir } from "@gammaflow/core/node";
import { MapDatasetMaker } from "@gammaflow/map-dataset-maker";
import { SafeMaskMaker } from "@gammaflow/safe-mask";
import { PYTHON } from "./common.mjs";
import { spawnSync } from "node:child_process";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STAGES = ["counts", "exposure", "background", "psf", "edisp", "safe mask", "stack"];
/** Runs reported apart as the process's warm-up. */
const WARM_UP = 3;
const CASES = [
  // 4 runs are mostly a process's start-up: a second pass in the same process (fresh data
  // store and stack, on both sides) shows the cost per observation after it
  {
    label: "Crab, 4 bundled runs",
    dir: path.join(repo, "data/hess-dl3-dr1"),
    target: null,
    skydir: [83.63, 22.01],
    secondPass: true,
  },
  {
    label: "PKS 2155-304, 21 runs",
    dir: path.join(gammapyDataDir(repo), "hess-dl3-dr1"),
    target: "PKS 2155-304",
    skydir: [329.71694, -30.2255],
  },
];

/** The chain once: per-stage times summed over runs, per-run totals, peak RSS, stacked counts. */
function chainOnce(c) {
  const store = DataStore.fromDir(toStorePath(c.dir));
  const ids = c.target ? store.obsTable.selectTargetName(c.target).obsIds : [23523, 23592, 23526, 23559];
  const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
  const geom = WcsGeom.create({ skydir: c.skydir, axes: [energy], width: 5, binsz: 0.02 });
  const maker = new MapDatasetMaker();
  const safe = new SafeMaskMaker({ methods: ["aeff-default", "offset-max"], offsetMax: "3 deg" });
  const stacked = MapDataset.create(geom, { name: "stacked" });
  const t = Object.fromEntries(STAGES.map((s) => [s, 0]));
  let peak = 0;
  const time = (stage, fn) => {
    const t0 = performance.now();
    const r = fn();
    t[stage] += performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage().rss);
    return r;
  };
  const perRun = [];
  for (const obs of store.getObservations(ids)) {
    const before = Object.values(t).reduce((a, b) => a + b, 0);
    const cut = stacked.cutout(obs.pointingRadec, "6 deg");
    const counts = time("counts", () => maker.makeCounts(cut.counts.geom, obs));
    const exposure = time("exposure", () => maker.makeExposure(cut.exposure.geom, obs));
    const background = time("background", () => maker.makeBackground(cut.counts.geom, obs));
    const psf = time("psf", () => maker.makePsf(cut.psf.psfMap.geom, obs));
    const edisp = time("edisp", () => maker.makeEdispKernel(cut.edisp.edispMap.geom, obs));
    const mask = cut.maskSafe.copy();
    mask.data.fill(1);
    const dataset = new MapDataset({
      name: "run",
      counts,
      exposure,
      background,
      psf,
      edisp,
      maskSafe: mask,
      gti: obs.gti,
    });
    time("safe mask", () => safe.run(dataset, obs));
    time("stack", () => stacked.stack(dataset));
    perRun.push(Object.values(t).reduce((a, b) => a + b, 0) - before);
  }
  return { n: ids.length, t, perRun, peak: peak / 2 ** 20, counts: stacked.counts.sum() };
}

function ours(c) {
  const first = chainOnce(c);
  return c.secondPass ? { ...first, second: chainOnce(c).perRun } : first;
}

function reference(c, n) {
  const code = `
import json, time, resource
from gammapy.data import DataStore
from gammapy.datasets import MapDataset
from gammapy.makers import MapDatasetMaker, SafeMaskMaker
from gammapy.maps import MapAxis, Map, WcsGeom
store = DataStore.from_dir(${JSON.stringify(c.dir)})
target = ${c.target ? JSON.stringify(c.target) : "None"}
if target:
    ids = [int(i) for i, o in zip(store.obs_table["OBS_ID"], store.obs_table["OBJECT"]) if str(o).strip() == target]
else:
    ids = [23523, 23592, 23526, 23559]
energy = MapAxis.from_bounds(1, 10, nbin=11, name="energy", unit="TeV", interp="log")
geom = WcsGeom.create(skydir=tuple(${JSON.stringify(c.skydir)}), axes=[energy], width=5, binsz=0.02)
maker = MapDatasetMaker()
safe = SafeMaskMaker(methods=["aeff-default", "offset-max"], offset_max="3 deg")
def chain():
    store = DataStore.from_dir(${JSON.stringify(c.dir)})
    stacked = MapDataset.create(geom, name="stacked")
    t = {s: 0.0 for s in ${JSON.stringify(STAGES)}}
    def timed(stage, fn):
        t0 = time.perf_counter(); r = fn(); t[stage] += (time.perf_counter() - t0) * 1e3; return r
    per_run = []
    for obs in store.get_observations(ids):
        before = sum(t.values())
        cut = stacked.cutout(obs.pointing_radec, width="6 deg")
        counts = timed("counts", lambda: maker.make_counts(cut.counts.geom, obs))
        exposure = timed("exposure", lambda: maker.make_exposure(cut.exposure.geom, obs))
        background = timed("background", lambda: maker.make_background(cut.counts.geom, obs))
        psf = timed("psf", lambda: maker.make_psf(cut.psf.psf_map.geom, obs))
        edisp = timed("edisp", lambda: maker.make_edisp_kernel(cut.edisp.edisp_map.geom, obs))
        mask = Map.from_geom(cut.counts.geom, dtype=bool); mask.data[...] = True
        ds = MapDataset(
            counts=counts, exposure=exposure, background=background, psf=psf, edisp=edisp, mask_safe=mask, gti=obs.gti
        )
        ds = timed("safe mask", lambda: safe.run(ds, obs))
        timed("stack", lambda: stacked.stack(ds))
        per_run.append(sum(t.values()) - before)
    return t, per_run, stacked
t, per_run, stacked = chain()
second = chain()[1] if ${c.secondPass ? "True" : "False"} else None
print(json.dumps({
    "n": len(ids), "t": t, "perRun": per_run, "second": second,
    "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "counts": float(stacked.counts.data.sum())
}))
`;
  const r = spawnSync(PYTHON, ["-c", code], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.warn(`reference run failed: ${(r.stderr || "").trim().split("\n").pop()}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

/**
 * `ours` in a fresh Node process, as gammapy's side runs in a fresh Python process: each case pays its own start-up
 * (V8 compiles the code during the first runs).
 */
function oursFresh(index) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--case", String(index)], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`our run failed: ${(r.stderr || "").trim()}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

const caseArg = process.argv.indexOf("--case");
if (caseArg >= 0) {
  console.log(JSON.stringify(ours(CASES[Number(process.argv[caseArg + 1])])));
  process.exit(0);
}

const repeatArg = process.argv.indexOf("--repeat");
const REPEAT = repeatArg >= 0 ? Number(process.argv[repeatArg + 1]) : 1;
if (!(Number.isInteger(REPEAT) && REPEAT >= 1))
  throw new Error(`--repeat takes a positive integer, got ${process.argv[repeatArg + 1]}`);

/** The median of numbers (the mean of the middle two for an even count). */
const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

/** One result whose every number is the median over repetitions (per stage, per run, peak). */
function medianResult(results) {
  if (results.length === 0 || results.some((r) => r === null)) return null;
  const first = results[0];
  return {
    n: first.n,
    counts: first.counts,
    t: Object.fromEntries(STAGES.map((s) => [s, median(results.map((r) => r.t[s]))])),
    perRun: first.perRun.map((_, i) => median(results.map((r) => r.perRun[i]))),
    peak: median(results.map((r) => r.peak)),
    second: first.second ? first.second.map((_, i) => median(results.map((r) => r.second[i]))) : undefined,
  };
}

for (const [index, c] of CASES.entries()) {
  const ourRuns = [];
  const theirRuns = [];
  for (let r = 0; r < REPEAT; r++) {
    ourRuns.push(oursFresh(index));
    theirRuns.push(reference(c, ourRuns[r].n));
  }
  const a = medianResult(ourRuns);
  const b = medianResult(theirRuns);
  const medians = REPEAT > 1 ? ` (medians of ${REPEAT} alternating repetitions)` : "";
  console.log(
    `\n${c.label}: ${a.n} runs, stacked counts ours ${a.counts}${b ? `, gammapy ${b.counts}` : ""}${medians}`,
  );
  console.log(`${"stage".padEnd(12)}${"ours ms".padStart(10)}${"gammapy ms".padStart(12)}${"speed-up".padStart(10)}`);
  let sumA = 0,
    sumB = 0;
  for (const s of STAGES) {
    sumA += a.t[s];
    sumB += b ? b.t[s] : 0;
    console.log(
      `${s.padEnd(12)}${a.t[s].toFixed(0).padStart(10)}${(b ? b.t[s].toFixed(0) : "n/a").padStart(12)}` +
        `${(b ? `${(b.t[s] / a.t[s]).toFixed(1)}×` : "").padStart(10)}`,
    );
  }
  console.log(
    `${"total".padEnd(12)}${sumA.toFixed(0).padStart(10)}${(b ? sumB.toFixed(0) : "n/a").padStart(12)}` +
      `${(b ? `${(sumB / sumA).toFixed(1)}×` : "").padStart(10)}`,
  );
  console.log(
    `per run: ours ${(sumA / a.n).toFixed(0)} ms, gammapy ${b ? (sumB / b.n).toFixed(0) : "n/a"} ms; ` +
      `peak RSS ours ${a.peak.toFixed(0)} MiB, gammapy ${b ? b.peak.toFixed(0) : "n/a"} MiB`,
  );
  if (REPEAT > 1) {
    const totals = (runs) => runs.map((r) => STAGES.reduce((x, s) => x + r.t[s], 0));
    const range = (v) => `${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)}`;
    console.log(
      `totals over repetitions: ours ${range(totals(ourRuns))} ms` +
        `${b ? `, gammapy ${range(totals(theirRuns))} ms` : ""}`,
    );
  }
  // the first runs of a process pay V8's compilation (and gammapy's first-call costs): shown apart
  const warm = (runs) => runs.slice(WARM_UP).reduce((x, y) => x + y, 0) / (runs.length - WARM_UP);
  const first = (runs) =>
    runs
      .slice(0, WARM_UP)
      .map((v) => v.toFixed(0))
      .join(", ");
  console.log(`first ${WARM_UP} runs: ours ${first(a.perRun)} ms${b ? `, gammapy ${first(b.perRun)} ms` : ""}`);
  if (a.second) {
    const mean = (v) => v.reduce((x, y) => x + y, 0) / v.length;
    console.log(
      `second pass in the same process (fresh data store and stack): ours ${mean(a.second).toFixed(0)} ms/run` +
        (b?.second
          ? `, gammapy ${mean(b.second).toFixed(0)} ms/run, ${(mean(b.second) / mean(a.second)).toFixed(1)}×`
          : ""),
    );
  }
  if (a.n > 2 * WARM_UP)
    console.log(
      `runs ${WARM_UP + 1}–${a.n}: ours ${warm(a.perRun).toFixed(0)} ms/run` +
        (b ? `, gammapy ${warm(b.perRun).toFixed(0)} ms/run, ${(warm(b.perRun) / warm(a.perRun)).toFixed(1)}×` : ""),
    );
}
