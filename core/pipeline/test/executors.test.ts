import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { getHeapStatistics } from "node:v8";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { of, type Observable } from "rxjs";
import { readFits } from "@gammaflow/core/node";
import {
  createContainer,
  createRunContainer,
  definePlugin,
  ExecutorLost,
  MemoryCheckpoints,
  perMessage,
  PluginRegistry,
  runGraph,
  Type,
  validateGraph,
  type DataAccess,
  type Message,
} from "@gammaflow/pipeline";
import { CHECKPOINT_DIR, createExecutor, fileCheckpoints, runKey, taskId } from "@gammaflow/pipeline/node";
import {
  decodeResult,
  encodeResult,
  isQueueableModule,
  moduleRef,
  queuedTask,
  resolvedSteps,
  resolveModuleRef,
} from "../src/executors/queued-task.js";
import { redisOptions } from "../src/executors/redis-connection.js";
import { collectGarbage } from "../src/collect-garbage.js";

const REPO = path.resolve(import.meta.dirname, "../../../..");
const RUN = path.join(REPO, "data", "hess-dl3-dr1", "data", "hess_dl3_dr1_obs_id_023523.fits.gz");
const inRepo = (file: string) => pathToFileURL(path.join(REPO, file)).href;
const WORKER_TASK = inRepo("plugins/map-dataset-maker/dist/src/worker-task.js");

test("a queued task names its module by package and path, never by this machine's folders", () => {
  const ref = moduleRef(WORKER_TASK);
  assert.deepEqual(ref, { package: "@gammaflow/map-dataset-maker", file: "dist/src/worker-task.js" });
  assert.equal(resolveModuleRef(ref), WORKER_TASK);
  assert.throws(
    () => resolveModuleRef({ package: "@gammaflow/map-dataset-maker", file: "../../../etc/evil.js" }),
    /a queued task names module '@gammaflow\/map-dataset-maker\/..\/..\/..\/etc\/evil.js': only files inside/,
  );
  assert.throws(() => resolveModuleRef({ package: "left-pad", file: "index.js" }), /only files inside @gammaflow\/\*/);
  assert.throws(
    () => moduleRef(inRepo("node_modules/rxjs/dist/esm/index.js")),
    /must be in a @gammaflow\/\* package: .* is in 'rxjs'/,
  );
});

test("a job's id is a hash of code, module and payload: the same task the same id, another task another", () => {
  const payload = { storeDir: "/data/hess-dl3-dr1", obsId: 23523, geom: { width: "5 deg" }, params: {} };
  const task = queuedTask({ module: WORKER_TASK, payload });
  assert.equal(task.obsId, 23523);
  assert.match(task.codeVersion, /^[0-9a-f]{12}$/);
  assert.equal(taskId(task), taskId(queuedTask({ module: WORKER_TASK, payload: structuredClone(payload) })));
  assert.match(taskId(task), /^23523-[0-9a-f]{24}$/);
  assert.notEqual(taskId(task), taskId(queuedTask({ module: WORKER_TASK, payload: { ...payload, obsId: 23592 } })));
  assert.notEqual(taskId(task), taskId({ ...task, codeVersion: "another" }));
});

test("a queued task's steps name their modules by package; they enter its code version and its id", () => {
  const SAFE_STEP = inRepo("plugins/safe-mask/dist/src/safe-mask-step.js");
  const payload = { storeDir: "/data/hess-dl3-dr1", obsId: 23523, params: {} };
  const steps = [{ node: "safe", module: SAFE_STEP, params: { methods: ["aeff-default"] } }];
  const task = queuedTask({ module: WORKER_TASK, payload, steps });
  assert.deepEqual(task.steps, [
    {
      node: "safe",
      module: { package: "@gammaflow/safe-mask", file: "dist/src/safe-mask-step.js" },
      params: steps[0].params,
    },
  ]);
  assert.deepEqual(resolvedSteps(task), steps);
  const plain = queuedTask({ module: WORKER_TASK, payload });
  assert.equal(plain.steps, undefined);
  assert.notEqual(task.codeVersion, plain.codeVersion, "the step's package is part of the code");
  assert.notEqual(taskId(task), taskId(plain));
  assert.ok(isQueueableModule(SAFE_STEP));
  assert.ok(!isQueueableModule("data:text/javascript,export const runStep = (d) => d;"));
});

test("a result crosses Redis exactly: typed arrays keep their type and bits, the transfer list is dropped", () => {
  const counts = readFits(RUN).table("EVENTS").column("ENERGY") as Float32Array;
  assert.equal(counts.constructor, Float32Array);
  const back = decodeResult<{ counts: typeof counts; transfer?: unknown }>(
    encodeResult({ counts, transfer: [counts.buffer] }),
  );
  assert.equal(back.counts.constructor, counts.constructor);
  assert.deepEqual(back.counts, counts);
  assert.equal(back.transfer, undefined);
});

test("fileCheckpoints: saved whole, per run key, cleared without a trace", async () => {
  const out = mkdtempSync(path.join(tmpdir(), "gammaflow-checkpoints-"));
  const a = fileCheckpoints(out, "key-a");
  const b = fileCheckpoints(out, "key-b");
  assert.equal(a.load("stack"), undefined);
  const value = { obsIds: [23523, 23592], data: new Float32Array([1.5, Number.NaN, -0]) };
  a.save("stack", value);
  value.obsIds.push(1); // the saved value was copied
  a.save("stack", { ...value, obsIds: [23523] });
  assert.deepEqual(a.load("stack"), { ...value, obsIds: [23523] }, "being written, it loads already");
  await a.flush?.();
  assert.deepEqual(a.load("stack"), { ...value, obsIds: [23523] }, "the last save is the file's");
  assert.deepEqual(fileCheckpoints(out, "key-a").load("stack"), { ...value, obsIds: [23523] }, "as a new run reads it");
  assert.equal(b.load("stack"), undefined, "another graph's checkpoints are its own");
  assert.deepEqual(readdirSync(path.join(out, CHECKPOINT_DIR, "key-a")), ["stack.v8"], "no temporary left");
  b.save("stack", value);
  await a.clear();
  assert.deepEqual(readdirSync(path.join(out, CHECKPOINT_DIR)), ["key-b"]);
  await b.clear();
  assert.deepEqual(readdirSync(out), [], "the checkpoint folder goes with the last run's, written or not");
});

test("fileCheckpoints: a save of 32 MiB or more is collected once written, not kept as garbage", async () => {
  const out = mkdtempSync(path.join(tmpdir(), "gammaflow-checkpoints-"));
  const checkpoints = fileCheckpoints(out, "key");
  const stack = { obsIds: [1], data: new Float32Array(10 * 2 ** 20) }; // 40 MiB
  const external = () => getHeapStatistics().external_memory;
  // earlier tests' garbage collected and swept first: its freeing must not hide the save's bytes
  // (seen once under load: the first check below failed)
  collectGarbage();
  collectGarbage();
  for (let last = -1, t = performance.now(); external() !== last && performance.now() - t < 1000; ) {
    last = external();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const before = external();
  checkpoints.save("stack", stack);
  assert.ok(external() - before >= 40 * 2 ** 20, "its bytes are held while written");
  await checkpoints.flush?.();
  // V8 frees array buffers' memory after a collection, on a background sweep
  const deadline = performance.now() + 2000;
  while (external() - before > 8 * 2 ** 20 && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(external() - before <= 8 * 2 ** 20, `${((external() - before) / 2 ** 20).toFixed(0)} MiB still held`);
  await checkpoints.clear();
});

test("fileCheckpoints: a save that cannot be written is reported by flush and by the next save", async () => {
  const out = mkdtempSync(path.join(tmpdir(), "gammaflow-checkpoints-"));
  const checkpoints = fileCheckpoints(out, "key");
  checkpoints.save("stack", { obsIds: [1] });
  await checkpoints.flush?.();
  // the node's file replaced by a folder: renaming the next save onto it fails
  const file = path.join(out, CHECKPOINT_DIR, "key", "stack.v8");
  rmSync(file);
  mkdirSync(path.join(file, "in-the-way"), { recursive: true });
  checkpoints.save("stack", { obsIds: [1, 2] });
  await assert.rejects(checkpoints.flush!(), /stack\.v8/);
  checkpoints.save("stack", { obsIds: [1, 2, 3] });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.throws(() => checkpoints.save("stack", { obsIds: [1, 2, 3, 4] }), /stack\.v8/, "the next save says so");
  await checkpoints.clear();
  assert.deepEqual(readdirSync(out), []);
});

test("fileCheckpoints: a node's first save is due at once, the next a second later, each node on its own", async () => {
  const out = mkdtempSync(path.join(tmpdir(), "gammaflow-checkpoints-"));
  const checkpoints = fileCheckpoints(out, "key");
  assert.equal(checkpoints.due?.("stack"), true, "nothing saved yet");
  checkpoints.save("stack", { obsIds: [23523] });
  assert.equal(checkpoints.due?.("stack"), false, "just saved");
  assert.equal(checkpoints.due?.("other"), true, "another node's first");
  await checkpoints.flush?.();
  assert.equal(checkpoints.due?.("stack"), false, "written, not yet due");
  await new Promise((resolve) => setTimeout(resolve, 1050));
  assert.equal(checkpoints.due?.("stack"), true, "a second later");
  await checkpoints.clear();
});

test("a complete run clears its checkpoints; one asked to finish early keeps them for the resume", async () => {
  const registry = new PluginRegistry();
  registry.register(
    definePlugin({
      name: "keeper",
      version: "1",
      description: "saves a checkpoint",
      params: Type.Object({}),
      input: [],
      output: ["observation"],
      create:
        (_params, { run, nodeId }) =>
        () => {
          run.checkpoints!.save(nodeId, { saved: true });
          return of() as Observable<Message>;
        },
    }),
  );
  const graph = validateGraph({ nodes: [{ id: "keep", plugin: "keeper" }] }, registry);
  const data = {} as DataAccess;
  const checkpoints = new MemoryCheckpoints();
  const finish = new AbortController();
  finish.abort();
  await runGraph(graph, createRunContainer(createContainer({ data }), { checkpoints, finish: finish.signal }));
  assert.deepEqual(checkpoints.load("keep"), { saved: true });
  await runGraph(graph, createRunContainer(createContainer({ data }), { checkpoints }));
  assert.equal(checkpoints.load("keep"), undefined);
  assert.notEqual(runKey(graph), runKey(graph, "reference"), "the kernel paths are part of a run's key");
});

test("ExecutorLost fails the node; any other error of one observation becomes its error record", async () => {
  const context = { nodeId: "maker", progress: { emit() {} }, run: { outDir: "out", concurrency: 1 } };
  const message = { kind: "observation", seq: 0, obsId: 23523 } as unknown as Message;
  const records: Message[] = [];
  await new Promise<void>((resolve) =>
    of(message)
      .pipe(perMessage(context, () => Promise.reject(new Error("corrupt file"))))
      .subscribe({ next: (m) => records.push(m), complete: resolve }),
  );
  assert.equal(records[0].kind, "error");
  const failed = new Promise<void>((resolve, reject) =>
    of(message)
      .pipe(perMessage(context, () => Promise.reject(new ExecutorLost("Redis at redis://h:1 was lost"))))
      .subscribe({ error: reject, complete: resolve }),
  );
  await assert.rejects(failed, /Redis at redis:\/\/h:1 was lost/);
});

test("executors are chosen by option; a wrong combination is refused, naming the option", async () => {
  assert.equal((await createExecutor({})).size, 0);
  const pool = await createExecutor({ workers: 2 });
  assert.equal(pool.size, 2);
  await pool.close();
  await assert.rejects(createExecutor({ executor: "bullmq" }), /--executor bullmq needs --redis redis:\/\/HOST:PORT/);
  await assert.rejects(createExecutor({ executor: "spark" }), /--executor must be one of .*, got 'spark'/);
  await assert.rejects(createExecutor({ redis: "redis://h:1" }), /--redis is for --executor bullmq, not 'in-process'/);
  await assert.rejects(
    createExecutor({ workers: 2, executor: "bullmq" }),
    /--workers is for --executor pool, not 'bullmq'/,
  );
  assert.throws(
    () => redisOptions("http://h:1"),
    /--redis must be a redis:\/\/ or rediss:\/\/ URL, got 'http:\/\/h:1'/,
  );
  assert.deepEqual(
    [redisOptions("redis://:s3cret@10.0.0.5:6380/2")].map((o) => [o.host, o.port, o.password, o.db]),
    [["10.0.0.5", 6380, "s3cret", 2]],
  );
});
