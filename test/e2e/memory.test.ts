import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../src/chains.js";
import { copyRun, RENUMBER, temp, writeIndexFor } from "../src/stores.js";

// Memory must not grow with the number of runs: the 4 bundled Crab runs, and the same runs 6
// times over under other OBS_IDs (24 runs, the same files), each reduced and stacked by the CLI
// in a child process whose peak memory (maxRSS) is read as it exits, the least of three runs.

const CLI = path.join(repoRoot, "cli", "dist", "src", "gammaflow.js");
const RUNS = [23523, 23526, 23559, 23592];
const COPIES = 6;
const PEAK_HOOK =
  "data:text/javascript,import{writeSync}from'node:fs';" +
  "process.on('exit',()=>writeSync(2,`\\nMAX_RSS_KB=${process.resourceUsage().maxRSS}\\n`))";

/** A store listing the bundled runs `copies` times, and the combined chain on all of it. */
function chainOn(copies: number): string {
  const dir = temp(`memory-${copies}`);
  for (const id of RUNS) copyRun(dir, id);
  writeIndexFor(dir, RUNS, copies);
  const graph = {
    name: `memory-${copies}`,
    inputs: {
      dataStore: dir,
      geom: {
        skydir: [83.63, 22.01],
        width: "3 deg",
        binsz: "0.02 deg",
        axes: [{ name: "energy", lo: "1 TeV", hi: "10 TeV", nbin: 11, interp: "log" }],
      },
    },
    nodes: [
      { id: "runs", plugin: "datastore-source" },
      { id: "cutout", plugin: "cutout", params: { width: "4 deg" } },
      { id: "maker", plugin: "map-dataset-maker" },
      { id: "safe", plugin: "safe-mask", params: { methods: ["aeff-default", "offset-max"], offsetMax: "2 deg" } },
      { id: "stack", plugin: "stacker" },
      { id: "write", plugin: "dataset-writer", params: { path: "stacked.fits.gz" } },
    ],
  };
  const file = path.join(dir, "graph.json");
  writeFileSync(file, JSON.stringify(graph));
  return file;
}

/** Peak memory (MiB) of `gammaflow run graph` and the runs it stacked. */
function peakOf(graph: string, workers: number): { mib: number; used: number[] } {
  const args = ["--import", PEAK_HOOK, CLI, "run", graph, "--out", path.join(path.dirname(graph), "out"), "--json"];
  const child = spawnSync(process.execPath, [...args, "--workers", String(workers)], { encoding: "utf8" });
  assert.equal(child.status, 0, `${graph}: exit ${child.status}\n${child.stderr}`);
  const kb = Number(/MAX_RSS_KB=(\d+)/.exec(child.stderr)?.[1]);
  return { mib: kb / 1024, used: (JSON.parse(child.stdout) as { used: number[] }).used };
}

/**
 * The least of three peaks: a garbage collection that comes late only ever raises a peak (by
 * 10–40 MiB here, which made single measurements of the same graph range over 1.06–1.21×).
 */
function leastPeakOf(graph: string, workers: number): { mib: number; used: number[] } {
  const peaks = [0, 1, 2].map(() => peakOf(graph, workers));
  return peaks.reduce((least, p) => (p.mib < least.mib ? p : least));
}

// With 2 workers each worker collects its garbage between tasks (pipeline-worker.ts): before
// that the peak grew to 1.22× here, the runs' buffers piling up in the workers until V8 collected them.
for (const workers of [0, 2]) {
  const mode = workers ? `${workers} workers` : "in process";
  test(`${mode}: peak memory for ${COPIES}× the runs stays within 1.2× of the peak for the runs once`, () => {
    const once = leastPeakOf(chainOn(1), workers);
    const many = leastPeakOf(chainOn(COPIES), workers);
    assert.deepEqual(once.used, RUNS);
    assert.equal(many.used.length, COPIES * RUNS.length);
    assert.ok(many.used.includes(RUNS[0] + (COPIES - 1) * RENUMBER), "the copies are runs of their own");
    const ratio = many.mib / once.mib;
    assert.ok(
      ratio <= 1.2,
      `${mode}: peak ${many.mib.toFixed(0)} MiB for ${many.used.length} runs against ${once.mib.toFixed(0)} MiB ` +
        `for ${once.used.length}: ${ratio.toFixed(2)}×`,
    );
  });
}
