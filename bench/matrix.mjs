// Whole processes, gammaflow's CLI against gammapy 1.0 in the same session, on configurations the
// bundled graphs do not have (other targets, frames, projections, energy and true-energy axes,
// safe-mask methods, selections; a ring background with an exclusion region) and the main job.
// Each case is one graph: ours runs it with `gammaflow run` (the bundled CLI when built,
// scripts/bundle-cli.mjs), gammapy's side with bench/matrix_gammapy.py, which reads the same graph.
// Per case and repetition, alternating sides: the whole process on all n runs, and on the first k;
// the time per run after start-up is (T(n) − T(k)) / (n − k), so that start-up, V8's first
// compilations, Python's imports and the outputs cancel. Medians over `--repeat N` (default 3).
// Wall times on a shared VM drift with its load: compare the ratios, which come from one session.
//   node bench/matrix.mjs [--repeat N] [--only LABEL-SUBSTRING]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore } from "@gammaflow/core";
import { gammapyDataDir, toStorePath } from "@gammaflow/core/node";
import { PYTHON } from "./common.mjs";
import { CASES } from "./matrix-cases.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bundled = path.join(repo, "cli/dist/bundle/gammaflow.js");
const CLI = existsSync(bundled) ? bundled : path.join(repo, "cli/dist/src/gammaflow.js");
const GAMMAPY_SIDE = path.join(repo, "bench/matrix_gammapy.py");
const TIME = "/usr/bin/time";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const REPEAT = Number(arg("--repeat", "3"));
if (!(Number.isInteger(REPEAT) && REPEAT >= 1)) throw new Error(`--repeat takes a positive integer, got ${REPEAT}`);
const only = arg("--only", "");

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

/** A command's wall and CPU (user + system) seconds, by /usr/bin/time, and its stdout. */
function timed(command, args) {
  const file = path.join(tmpdir(), `gammaflow-bench-time-${process.pid}`);
  const r = spawnSync(TIME, ["-f", "%e %U %S", "-o", file, command, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, GAMMAPY_DATA: gammapyDataDir(repo) },
  });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  const [wall, user, sys] = readFileSync(file, "utf8").trim().split("\n").pop().split(" ").map(Number);
  rmSync(file, { force: true });
  return { wall, cpu: user + sys, stdout: r.stdout };
}

/** The case's graph with explicit obs ids (all of its selection, or the first k), in a temporary folder. */
function graphFile(c, ids, dir, name) {
  const graph = structuredClone(c.graph);
  const source = graph.nodes.find((n) => n.plugin === "datastore-source");
  source.params = { ...source.params, obsIds: ids };
  delete source.params.target;
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(graph, null, 2));
  return file;
}

/** The ids the case's source selects: its obsIds, or the runs of its target in the store's order. */
function selectedIds(c) {
  const source = c.graph.nodes.find((n) => n.plugin === "datastore-source").params;
  if (source.obsIds) return source.obsIds;
  const store = DataStore.fromDir(toStorePath(c.graph.inputs.dataStore));
  return store.obsTable.selectTargetName(source.target).obsIds;
}

const totalCounts = (stdout) => Number(/Total counts\s*:\s*([\d.eE+-]+)/.exec(stdout)?.[1]);

function runCase(c) {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-matrix-"));
  const ids = selectedIds(c);
  const k = Math.min(3, ids.length - 2);
  const all = graphFile(c, ids, dir, "all");
  const first = graphFile(c, ids.slice(0, k), dir, "first");
  const sides = {
    ours: (graph, out) => timed(process.execPath, [CLI, "run", graph, "--out", path.join(dir, out)]),
    gammapy: (graph, out) => timed(PYTHON, [GAMMAPY_SIDE, graph, path.join(dir, out)]),
  };
  const samples = { ours: [], gammapy: [] };
  for (let r = 0; r < REPEAT; r++) {
    for (const [side, run] of Object.entries(sides)) {
      const whole = run(all, `${side}-all`);
      const short = run(first, `${side}-first`);
      samples[side].push({
        wall: whole.wall,
        cpu: whole.cpu,
        perRun: (whole.wall - short.wall) / (ids.length - k),
        counts: totalCounts(whole.stdout),
      });
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const summary = (side, key) => median(samples[side].map((s) => s[key]));
  return { n: ids.length, k, summary, counts: [samples.ours[0].counts, samples.gammapy[0].counts] };
}

const versions = execFileSync(PYTHON, ["-c", "import gammapy; print(gammapy.__version__)"], { encoding: "utf8" });
console.log(
  `gammaflow (${path.relative(repo, CLI)}) against gammapy ${versions.trim()}, whole processes, ` +
    `medians of ${REPEAT} alternating repetitions; per run after start-up: (T(n) − T(k)) / (n − k)\n`,
);
const header = ["case", "runs", "whole: ours s", "gammapy s", "ratio", "CPU ratio", "per run: ours ms", "gammapy ms"];
const rows = [[...header, "ratio"]];
for (const c of CASES.filter((c) => c.label.includes(only))) {
  const { n, k, summary, counts } = runCase(c);
  if (counts[0] !== counts[1])
    console.warn(`${c.label}: stacked counts differ: ours ${counts[0]}, gammapy ${counts[1]}`);
  const ratio = (key) => `${(summary("gammapy", key) / summary("ours", key)).toFixed(1)}×`;
  rows.push([
    c.label,
    `${n} (k=${k})`,
    summary("ours", "wall").toFixed(2),
    summary("gammapy", "wall").toFixed(2),
    ratio("wall"),
    ratio("cpu"),
    (1000 * summary("ours", "perRun")).toFixed(0),
    (1000 * summary("gammapy", "perRun")).toFixed(0),
    ratio("perRun"),
  ]);
  console.log(`| ${rows.at(-1).join(" | ")} |`);
}
console.log(`\n| ${rows[0].join(" | ")} |\n|${rows[0].map(() => " --- ").join("|")}|`);
for (const row of rows.slice(1)) console.log(`| ${row.join(" | ")} |`);
