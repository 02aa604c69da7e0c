// Distributed runs (--executor bullmq, `gammaflow worker`) on the 4 bundled runs, against a real
// redis-server; crash and resume (kill -9 of the coordinator or a worker), for the in-process
// executor too. Each stack is compared byte for byte with the uninterrupted in-process one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Queue } from "bullmq";
import { CHECKPOINT_DIR, QUEUE_NAME, QUEUE_PREFIX } from "@gammaflow/pipeline/node";
import { filesIn, REPO, start, STORE, temp, until, type Finished, type Running } from "./spawn-cli.js";
import { redisSkip, startRedis, type RedisServer } from "./redis-server.js";

/** The documentation's chain without cutouts and previews, on a coarse geometry: seconds, not minutes. */
function smallGraph(store = STORE): string {
  const graph = JSON.parse(readFileSync(path.join(REPO, "graphs", "combined-chain.json"), "utf8"));
  graph.inputs.dataStore = store;
  graph.inputs.geom.binsz = "0.1 deg";
  graph.inputs.geom.axes[0].nbin = 3;
  graph.nodes = graph.nodes.filter((n: { id: string }) => n.id !== "cutout" && n.id !== "preview");
  graph.edges = [
    { from: "runs", to: "maker" },
    ...graph.edges.filter((e: { from: string; to: string }) => ![e.from, e.to].some((id) => /cutout|preview/.test(id))),
  ];
  const file = path.join(temp("distributed-graph"), "chain.json");
  writeFileSync(file, JSON.stringify(graph));
  return file;
}

const GRAPH = smallGraph();
const run = (out: string, ...extra: string[]) => start(["run", GRAPH, "--out", out, "--json", ...extra]);
const queued = (redis: RedisServer) => ["--executor", "bullmq", "--redis", redis.url];
const worker = (redis: RedisServer) => start(["worker", "--redis", redis.url]);
const stack = (out: string) => readFileSync(path.join(out, "stacked.fits.gz"));

interface Report {
  used: number[];
  skipped: Array<{ obsId?: number; node: string; reason: string }>;
  exitCode: number;
  log: Array<{ level: string; message: string }>;
  timings: Array<{ node: string; ranIn?: string }>;
}

async function report(running: Running): Promise<Report & { finished: Finished }> {
  const finished = await running.done;
  assert.ok(finished.stdout.trim().startsWith("{"), `a JSON report: ${finished.stdout}\n${finished.stderr}`);
  return { ...(JSON.parse(finished.stdout) as Report), finished };
}

/** The stack of an uninterrupted in-process run, the reference of every other. */
let reference: Buffer | undefined;
async function referenceStack(): Promise<Buffer> {
  if (!reference) {
    const out = temp("distributed-reference");
    const r = await report(run(out));
    assert.equal(r.exitCode, 0, r.finished.stderr);
    reference = stack(out);
  }
  return reference;
}

async function stopAll(...processes: Running[]): Promise<void> {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await Promise.all(processes.map((p) => p.done));
}

/** A checkpoint saved (not one being written: that is a temporary, which a kill leaves behind). */
const checkpointOf = (out: string) => filesIn(path.join(out, CHECKPOINT_DIR)).some((f) => f.endsWith(".v8"));
const lines = (p: Running, pattern: RegExp) => p.stdout.split("\n").filter((l) => pattern.test(l)).length;

/** Complete and equal to the reference: every run once, byte for byte the same stack. */
async function assertComplete(r: Report & { finished: Finished }, out: string, what: string): Promise<void> {
  assert.equal(r.exitCode, 0, `${what}: ${r.finished.stderr}`);
  assert.deepEqual(r.used, [23523, 23526, 23559, 23592], what);
  assert.ok(stack(out).equals(await referenceStack()), `${what}: the stack differs from the in-process one`);
  assert.ok(!existsSync(path.join(out, CHECKPOINT_DIR)), `${what}: a complete run clears its checkpoints`);
}

const LONG = { timeout: 600_000, skip: redisSkip };

test("bullmq with 2 workers on the 4 bundled runs equals the in-process stack byte for byte", LONG, async () => {
  const redis = await startRedis();
  const workers = [worker(redis), worker(redis)];
  try {
    const out = temp("distributed-two");
    const r = await report(run(out, ...queued(redis)));
    await assertComplete(r, out, "2 workers");
    // the safe mask was made by the queue's workers, after each reduction (a worker step)
    assert.equal(r.timings.find((t) => t.node === "safe")?.ranIn, "maker");
    await until(() => workers.reduce((n, w) => n + lines(w, / done in /), 0) === 4, "4 jobs done", 10_000);
    for (const w of workers) w.child.kill("SIGTERM");
    for (const w of workers) {
      const stopped = await w.done;
      assert.equal(stopped.code, 143, "SIGTERM: the worker finishes its jobs in hand and exits");
      assert.match(stopped.stderr, /SIGTERM: finishing: no new jobs are taken, the jobs in hand complete/);
    }
  } finally {
    await stopAll(...workers);
    await redis.stop();
  }
});

test("kill -9 of a worker mid-run, then the same command again: the run completes, the same stack", LONG, async () => {
  const redis = await startRedis();
  const moments: Array<[string, (w: Running) => boolean]> = [
    ["while its first job runs", (w) => lines(w, / started /) >= 1],
    ["after its first job", (w) => lines(w, / done in /) >= 1],
  ];
  try {
    for (const [moment, reached] of moments) {
      const out = temp("distributed-worker-kill");
      const first = worker(redis);
      const coordinator = run(out, ...queued(redis));
      await until(() => reached(first), `the worker ${moment}`, 120_000);
      first.child.kill("SIGKILL");
      const again = worker(redis);
      try {
        await assertComplete(await report(coordinator), out, `a worker killed ${moment}`);
      } finally {
        await stopAll(first, again);
      }
    }
  } finally {
    await redis.stop();
  }
});

test("kill -9 of the coordinator at several moments, then the same command: no run counted twice", LONG, async () => {
  const redis = await startRedis();
  const jobs = worker(redis);
  type Progress = { out: string; started: number; done: number };
  const moments: Array<[string, (p: Progress) => boolean]> = [
    ["once a job runs", (p) => p.started > 0],
    ["once a run is stacked", (p) => checkpointOf(p.out)],
    ["once 3 jobs are done", (p) => p.done >= 3],
  ];
  try {
    for (const [moment, reached] of moments) {
      const out = temp("distributed-coordinator-kill");
      const [started, done] = [lines(jobs, / started /), lines(jobs, / done in /)];
      const progress = () => ({
        out,
        started: lines(jobs, / started /) - started,
        done: lines(jobs, / done in /) - done,
      });
      const first = run(out, ...queued(redis));
      await until(() => reached(progress()), `the coordinator ${moment}`, 120_000);
      first.child.kill("SIGKILL");
      await first.done;
      const resumed = await report(run(out, ...queued(redis)));
      await assertComplete(resumed, out, `the coordinator killed ${moment}`);
    }
  } finally {
    await stopAll(jobs);
    await redis.stop();
  }
});

test("a worker running other code refuses the job, naming both versions", LONG, async () => {
  const redis = await startRedis();
  const jobs = worker(redis);
  const queue = new Queue(QUEUE_NAME, { connection: { host: "127.0.0.1", port: redis.port }, prefix: QUEUE_PREFIX });
  try {
    const module = { package: "@gammaflow/map-dataset-maker", file: "dist/src/worker-task.js" };
    const job = await queue.add(
      "reduce",
      { module, payload: {}, codeVersion: "0ther-build", obsId: 23523 },
      {
        attempts: 3,
      },
    );
    let state = "";
    await until(
      () => {
        void job.getState().then((s) => {
          state = s;
        });
        return state === "failed";
      },
      "the job's failure",
      60_000,
    );
    const failed = (await queue.getJob(job.id!))!;
    assert.match(
      failed.failedReason,
      /^worker [^ ]+:\d+ runs gammaflow code \w+, but job \S+ \(obs 23523\) was queued by code 0ther-build: run /,
    );
    assert.equal(failed.attemptsMade, 1, "refused, not retried");
  } finally {
    await queue.close();
    await stopAll(jobs);
    await redis.stop();
  }
});

test("kill -9 of an in-process run, then the same command: it resumes from its checkpoint", {
  timeout: 600_000,
}, async () => {
  let caught = 0;
  for (const delayMs of [0, 700]) {
    const out = temp("distributed-in-process-kill");
    const first = run(out);
    await until(() => checkpointOf(out), "the first checkpoint", 120_000);
    await new Promise((r) => setTimeout(r, delayMs));
    if (first.child.exitCode !== null) {
      await first.done; // the run ended before this moment (a fast machine): nothing to kill here
      continue;
    }
    first.child.kill("SIGKILL");
    caught++;
    const killed = await first.done;
    const resumed = await report(run(out));
    const what = `killed ${delayMs} ms after the first checkpoint`;
    assert.equal(killed.signal, "SIGKILL", `${what}: it was still running`);
    const note = resumed.log.find((l) => /resuming from its checkpoint/.test(l.message));
    assert.match(note?.message ?? "", /stack: resuming from its checkpoint: [1-4] runs stacked/, what);
    // the runs in the checkpoint are taken from it, not reduced again
    const held = /\(([\d, ]+)\)/.exec(note!.message)![1].split(", ");
    const taken = resumed.log.flatMap((l) => /obs ([\d, ]+) taken from the checkpoint/.exec(l.message)?.[1] ?? []);
    assert.deepEqual(taken, held, what);
    await assertComplete(resumed, out, what);
  }
  assert.ok(caught > 0, "every run ended before it could be killed");
});

test("a poisoned job (a corrupt run file) ends as an error record with its obs id and cause", LONG, async () => {
  const store = temp("distributed-poisoned");
  mkdirSync(path.join(store, "data"));
  for (const name of filesIn(STORE)) copyFileSync(path.join(STORE, name), path.join(store, name));
  truncateSync(path.join(store, "data", "hess_dl3_dr1_obs_id_023559.fits.gz"), 100_000);
  const redis = await startRedis();
  const jobs = worker(redis);
  try {
    const r = await report(
      start(["run", smallGraph(store), "--out", temp("poisoned-out"), "--json", ...queued(redis)]),
    );
    assert.equal(r.exitCode, 3, r.finished.stderr);
    assert.deepEqual(r.used, [23523, 23526, 23592]);
    assert.deepEqual(
      r.skipped.map((s) => [s.obsId, s.node]),
      [[23559, "maker"]],
    );
    assert.match(
      r.skipped[0].reason,
      /queued job 23559-\w+ failed after 3 attempts: .*obs_id_023559\.fits\.gz.*truncated/,
    );
    assert.equal(lines(jobs, /failed on attempt/), 3, "retried, then given up");
  } finally {
    await stopAll(jobs);
    await redis.stop();
  }
});

test("Redis stopped mid-run: the coordinator and the worker fail within seconds, saying so", LONG, async () => {
  const redis = await startRedis();
  const jobs = worker(redis);
  await until(() => /taking jobs/.test(jobs.stdout), "the worker's start", 60_000);
  jobs.child.kill("SIGSTOP"); // it holds no job while Redis goes
  const coordinator = run(temp("distributed-redis-lost"), ...queued(redis));
  const waiting = () => spawnSync("redis-cli", ["-p", String(redis.port), "LLEN", "gammaflow:reduce:wait"]).stdout;
  await until(() => Number(waiting().toString()) === 4, "4 queued jobs", 120_000);
  await redis.stop();
  const stopped = Date.now();
  jobs.child.kill("SIGCONT");
  const [c, w] = await Promise.all([coordinator.done, jobs.done]);
  assert.ok(Date.now() - stopped < 15_000, `gave up after ${Date.now() - stopped} ms`);
  const lost = new RegExp(`Redis at redis://127\\.0\\.0\\.1:${redis.port} was lost`);
  // with --json the error is the JSON object on stdout, else a line on stderr
  assert.equal(c.code, 1, c.stdout);
  assert.match(c.stderr + c.stdout, /node 'maker' \(map-dataset-maker\) failed: /);
  assert.match(c.stderr + c.stdout, lost);
  assert.equal(w.code, 1, w.stdout);
  assert.match(w.stderr + w.stdout, lost);
});

test("Redis unreachable at the start: run and worker say so within seconds", LONG, async () => {
  const redis = await startRedis();
  await redis.stop(); // its port, now closed
  const started = Date.now();
  const [c, w] = await Promise.all([run(temp("distributed-unreachable"), ...queued(redis)).done, worker(redis).done]);
  assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
  const unreachable = new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${redis.port}: .*ECONNREFUSED`);
  assert.equal(c.code, 1);
  assert.match(c.stderr + c.stdout, unreachable);
  assert.equal(w.code, 1);
  assert.match(w.stderr + w.stdout, unreachable);
});
