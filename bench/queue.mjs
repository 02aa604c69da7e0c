// Distributed runs through Redis (BullMQ): 1,050 reduction jobs (the 105 runs of
// $GAMMAPY_DATA/hess-dl3-dr1 × 10 geometries around each run's pointing) with 1 and 2
// `gammaflow worker` processes: jobs/s and the speed-up; then 1,050 no-op jobs with 1 worker,
// the queue's own cost per job (goal ≤ 5 ms). Starts its own redis-server on a free loopback
// port (no files kept). BENCH_QUEUE_JOBS=N takes the first N reduction jobs only.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, kernelPaths } from "@gammaflow/core";
import { gammapyDataDir } from "@gammaflow/core/node";
import { checkParams } from "@gammaflow/pipeline";
import { BullMqExecutor, NOOP_TASK } from "@gammaflow/pipeline/node";
import { mapDatasetMakerPlugin } from "@gammaflow/map-dataset-maker";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// the command users run: the bundled CLI when built, else the compiled modules
const cli = path.join(repo, "cli", "bin", "gammaflow.js");
const storeDir = path.join(process.env.GAMMAPY_DATA ?? gammapyDataDir(repo), "hess-dl3-dr1");
const WORKER_TASK = import.meta.resolve("@gammaflow/map-dataset-maker").replace(/index\.js$/, "worker-task.js");

const store = DataStore.fromDir(storeDir);
const params = checkParams(mapDatasetMakerPlugin, {}, "/params").params;
const paths = kernelPaths();
// 10 geometries: 2° wide around the pointing, 0.1° pixels, 3 to 12 energy bins over 0.5-50 TeV
const geometries = Array.from({ length: 10 }, (_, i) => i + 3);
const tasks = store.obsIds.flatMap((obsId) =>
  geometries.map((nbin) => ({
    storeDir,
    obsId,
    geom: {
      skydir: [store.obsTable.value(obsId, "RA_PNT"), store.obsTable.value(obsId, "DEC_PNT")],
      width: "2 deg",
      binsz: "0.1 deg",
      axes: [{ name: "energy", lo: "0.5 TeV", hi: "50 TeV", nbin, interp: "log" }],
    },
    params,
    paths,
  })),
);
const limit = Number(process.env.BENCH_QUEUE_JOBS ?? tasks.length);
const reductions = tasks.slice(0, limit);

const redis = await startRedis();
try {
  console.log(`${reductions.length} reduction jobs (${store.obsIds.length} runs × ${geometries.length} geometries)`);
  const one = await timed(1, WORKER_TASK, reductions);
  const two = await timed(2, WORKER_TASK, reductions);
  for (const [label, r] of [
    ["1 worker", one],
    ["2 workers", two],
  ])
    console.log(`${label.padEnd(10)} ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${r.perSecond.toFixed(1)} jobs/s`);
  console.log(`speed-up of 2 workers over 1: ${(one.ms / two.ms).toFixed(2)}×`);
  const noop = await timed(1, NOOP_TASK, tasks);
  console.log(
    `no-op: ${tasks.length} jobs in ${(noop.ms / 1000).toFixed(2)} s, ` +
      `the queue's overhead ${(noop.ms / tasks.length).toFixed(2)} ms per job (goal ≤ 5 ms)`,
  );
} finally {
  await redis.stop();
}

/** `payloads` as jobs of `module` through Redis with `n` worker processes: first job to last result. */
async function timed(n, module, payloads) {
  const workers = Array.from({ length: n }, () =>
    spawn(process.execPath, [cli, "worker", "--redis", redis.url], { stdio: ["ignore", "pipe", "inherit"] }),
  );
  const started = (w) => new Promise((resolve) => w.stdout.on("data", (d) => /taking jobs/.test(d) && resolve()));
  await Promise.all(workers.map(started));
  const executor = new BullMqExecutor({ redis: redis.url, inFlight: 64 });
  const queue = [...payloads];
  const t0 = performance.now();
  // `inFlight` jobs at a time, as a graph run keeps them
  await Promise.all(
    Array.from({ length: executor.size }, async () => {
      for (let payload = queue.shift(); payload; payload = queue.shift()) await executor.run({ module, payload });
    }),
  );
  const ms = performance.now() - t0;
  await executor.close();
  for (const w of workers) w.kill("SIGTERM");
  await Promise.all(workers.map((w) => new Promise((resolve) => w.on("exit", resolve))));
  return { ms, perSecond: (payloads.length / ms) * 1000 };
}

async function startRedis() {
  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
  const dir = mkdtempSync(path.join(tmpdir(), "gf-bench-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
  const child = spawn("redis-server", args, { stdio: "ignore" });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await new Promise((r) => setTimeout(r, 300));
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
