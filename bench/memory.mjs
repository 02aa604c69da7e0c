// Peak memory (maxRSS of a fresh CLI process) for 4, 21 and 105 H.E.S.S. DR1 runs onto one
// all-sky geometry (bench/hess-dr1-all-runs.json, $GAMMAPY_DATA), in process and with 2 workers:
// it should not grow with the number of runs (the target: 105 runs within 1.2× of 4).
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
// the command users run: the bundled CLI when built, else the compiled modules
const CLI = path.join(here, "..", "cli", "bin", "gammaflow.js");
const GRAPH = path.join(here, "hess-dr1-all-runs.json");
const PEAK_HOOK =
  "data:text/javascript,import{writeSync}from'node:fs';" +
  "process.on('exit',()=>writeSync(2,`\\nMAX_RSS_KB=${process.resourceUsage().maxRSS}\\n`))";

const { DataStore } = await import("@gammaflow/core");
const { gammapyDataDir, toStorePath } = await import("@gammaflow/core/node");
const ids = DataStore.fromDir(toStorePath(path.join(gammapyDataDir(path.join(here, "..")), "hess-dl3-dr1"))).obsIds;

function peak(n, workers) {
  const out = mkdtempSync(path.join(tmpdir(), "gf-memory-"));
  const set = `runs.obsIds=${JSON.stringify(ids.slice(0, n))}`;
  const args = ["--import", PEAK_HOOK, CLI, "run", GRAPH, "--set", set, "--workers", String(workers), "--out", out];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...args, "--json"], { encoding: "utf8", maxBuffer: 2 ** 26 });
  if (r.status !== 0) throw new Error(`${n} runs, ${workers} workers: exit ${r.status}\n${r.stderr}`);
  const used = JSON.parse(r.stdout).used.length;
  return { mib: Number(/MAX_RSS_KB=(\d+)/.exec(r.stderr)[1]) / 1024, used, s: (performance.now() - t0) / 1000 };
}

console.log("runs  workers  used  wall s  peak MiB  vs 4 runs");
for (const workers of [0, 2]) {
  let first;
  for (const n of [4, 21, ids.length]) {
    const p = peak(n, workers);
    first ??= p.mib;
    const cells = [String(n).padStart(4), String(workers).padStart(7), String(p.used).padStart(5)];
    cells.push(p.s.toFixed(1).padStart(7), p.mib.toFixed(0).padStart(9), `${(p.mib / first).toFixed(2)}×`.padStart(10));
    console.log(cells.join(" "));
  }
}
