// The worker pool against this machine's own ceiling, on the 21 PKS 2155-304 runs
// (graphs/pks2155-stack.json, $GAMMAPY_DATA): each case is a fresh process running the graph
// through the CLI, so start-up, module loading and JIT count as a user sees them.
//   in process     one process, all runs, no workers
//   2 processes    two independent processes at once, each the graph on half the runs (the
//                  ceiling: the pair's wall time, nothing shared, no copying)
//   1 / 2 workers  one process, all runs, the piscina pool
// The machine may be shared with other jobs: the cases are interleaved, repeated, and the
// table shows medians; the pool's figure is its speed-up over in-process against the pair's.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// the command users run: the bundled CLI when built, else the compiled modules
const CLI = path.join(repo, "cli", "bin", "gammaflow.js");
const GRAPH = path.join(repo, "graphs", "pks2155-stack.json");
const REPEAT = Number(process.env.REPEAT ?? 5);

const { DataStore } = await import("@gammaflow/core");
const { gammapyDataDir, toStorePath } = await import("@gammaflow/core/node");
const store = DataStore.fromDir(toStorePath(path.join(gammapyDataDir(repo), "hess-dl3-dr1")));
const ids = store.obsTable.selectTargetName("PKS 2155-304").obsIds;
const halves = [ids.filter((_, i) => i % 2 === 0), ids.filter((_, i) => i % 2 === 1)];

// The child's CPU time (all its threads: workers, GC, JIT) and peak memory, printed as it exits.
const USAGE_HOOK =
  "data:text/javascript,import{writeSync}from'node:fs';process.on('exit',()=>{const u=process.resourceUsage();" +
  "writeSync(2,`\\nUSAGE ${(u.userCPUTime+u.systemCPUTime)/1e3} ${u.maxRSS}\\n`)})";

/** Wall and CPU time (ms) of `gammaflow run` on `obsIds` with `workers`; rejects on a non-zero exit. */
function cli(obsIds, workers) {
  const args = [CLI, "run", GRAPH, "--set", `runs.obsIds=${JSON.stringify(obsIds)}`, "--workers", String(workers)];
  const out = mkdtempSync(path.join(tmpdir(), "gf-ceiling-"));
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", USAGE_HOOK, ...args, "--out", out, "--json"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      const usage = /USAGE ([\d.]+) (\d+)/.exec(stderr);
      if (code !== 0 || !usage) return reject(new Error(`exit ${code}: ${stderr}`));
      resolve({ wall: performance.now() - t0, cpu: Number(usage[1]), rssMiB: Number(usage[2]) / 1024 });
    });
  });
}

const cases = {
  "in process": () => cli(ids, 0),
  "2 processes": async () => {
    const t0 = performance.now();
    const pair = await Promise.all(halves.map((half) => cli(half, 0)));
    const rssMiB = pair[0].rssMiB + pair[1].rssMiB;
    return { wall: performance.now() - t0, cpu: pair[0].cpu + pair[1].cpu, rssMiB };
  },
  "1 worker": () => cli(ids, 1),
  "2 workers": () => cli(ids, 2),
};
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < REPEAT; r++) for (const [name, run] of Object.entries(cases)) times[name].push(await run());

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const of = (name, k) => median(times[name].map((t) => t[k]));
const base = of("in process", "wall");
const ceiling = base / of("2 processes", "wall");
console.log(`PKS 2155-304, ${ids.length} runs; medians of ${REPEAT} interleaved repeats, each a fresh process`);
console.log("(CPU: all threads of the process, or of the pair; on a busy machine the CPU column is the steadier)");
const header = ["case".padEnd(12), "wall s".padStart(7), " each run's wall s".padEnd(29), "speed-up", "of ceiling"];
console.log(`${header.join(" ")}  CPU s  peak MiB`);
for (const name of Object.keys(times)) {
  const speedUp = base / of(name, "wall");
  const all = times[name].map((t) => (t.wall / 1000).toFixed(1)).join(" ");
  const cells = [
    name.padEnd(12),
    (of(name, "wall") / 1000).toFixed(2).padStart(7),
    ` ${all}`.padEnd(29),
    `${speedUp.toFixed(2)}×`.padStart(8),
    `${((100 * speedUp) / ceiling).toFixed(0)} %`.padStart(10),
    (of(name, "cpu") / 1000).toFixed(2).padStart(6),
    of(name, "rssMiB").toFixed(0).padStart(9),
  ];
  console.log(cells.join(" "));
}
