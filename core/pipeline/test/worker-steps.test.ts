// Worker steps: which nodes' per-run work a host's worker tasks take over, what the runner does
// with those nodes, and how a step's module is loaded and its failure comes back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { map, of } from "rxjs";
import type { MapDataset, Observation } from "@gammaflow/core";
import {
  applyWorkerSteps,
  createContainer,
  createRunContainer,
  definePlugin,
  loadWorkerSteps,
  MemoryLogger,
  perMessage,
  planWorkerSteps,
  PluginRegistry,
  runGraph,
  StepFailure,
  Type,
  validateGraph,
  type AnyPlugin,
  type DataAccess,
  type Message,
  type WorkerPool,
  type WorkerStep,
} from "@gammaflow/pipeline";

const noParams = Type.Object({});
const STEP = "data:text/javascript,export const runStep = (d) => d;";

/** A plan's input: nodes with just the fields planWorkerSteps reads. */
function planOf(
  nodes: Array<[string, Partial<AnyPlugin>]>,
  edges: Array<[string, string]>,
  accepts: ((module: string) => boolean) | undefined = () => true,
) {
  return planWorkerSteps(
    {
      nodes: nodes.map(([id, definition]) => ({ id, params: { of: id }, definition }) as never),
      edges: edges.map(([from, to]) => ({ from, to })),
    },
    accepts,
  );
}

test("planWorkerSteps: step nodes after a host join it in order; not past a fan-out or an ordered node", () => {
  const host = { hostsWorkerSteps: true };
  const step = { workerStep: STEP };
  const plan = planOf(
    [
      ["src", {}],
      ["maker", host],
      ["safe", step],
      ["fov", step],
      ["stack", { ...step, ordered: true }],
    ],
    [
      ["src", "maker"],
      ["maker", "safe"],
      ["safe", "fov"],
      ["fov", "stack"],
    ],
  );
  assert.deepEqual(plan.steps.get("maker"), [
    { node: "safe", module: STEP, params: { of: "safe" } },
    { node: "fov", module: STEP, params: { of: "fov" } },
  ]);
  assert.deepEqual(
    [...plan.fusedInto],
    [
      ["safe", "maker"],
      ["fov", "maker"],
    ],
  );

  // a second consumer of the maker would see its datasets without the step: nothing joins
  const fanOut = planOf(
    [
      ["maker", host],
      ["safe", step],
      ["print", {}],
    ],
    [
      ["maker", "safe"],
      ["maker", "print"],
    ],
  );
  assert.equal(fanOut.fusedInto.size, 0);
  // a step node with two inputs, or after a node that is no host, stays on this thread
  const twoInputs = planOf(
    [
      ["a", host],
      ["b", host],
      ["safe", step],
    ],
    [
      ["a", "safe"],
      ["b", "safe"],
    ],
  );
  assert.equal(twoInputs.fusedInto.size, 0);
  assert.equal(
    planOf(
      [
        ["x", {}],
        ["safe", step],
      ],
      [["x", "safe"]],
    ).fusedInto.size,
    0,
  );
  // no pool, or one that does not take the step's module (a queue's workers, a module outside
  // gammaflow's packages): the node stays on this thread
  const pair: Array<[string, Partial<AnyPlugin>]> = [
    ["maker", host],
    ["safe", step],
  ];
  const validated = {
    nodes: pair.map(([id, definition]) => ({ id, params: {}, definition }) as never),
    edges: [{ from: "maker", to: "safe" }],
  };
  assert.equal(planWorkerSteps(validated, undefined).fusedInto.size, 0);
  assert.equal(planOf(pair, [["maker", "safe"]], () => false).fusedInto.size, 0);
});

test("runGraph, a pool that runs steps: the host gets them; the step node is not created, passes on", async () => {
  const received: WorkerStep[][] = [];
  let stepCreated = 0;
  const registry = new PluginRegistry();
  registry.register(
    definePlugin({
      name: "source",
      version: "1",
      description: "three observations",
      params: noParams,
      input: [],
      output: ["observation"],
      create: () => () =>
        of(1, 2, 3).pipe(map((seq) => ({ kind: "observation", seq, obsId: seq }) as unknown as Message)),
    }),
  );
  registry.register(
    definePlugin({
      name: "host",
      version: "1",
      description: "its work in workers",
      params: noParams,
      input: ["observation"],
      output: ["dataset"],
      hostsWorkerSteps: true,
      create(_params, context) {
        received.push([...(context.workerSteps ?? [])]);
        return perMessage(context, (m) => {
          const seq = m.seq;
          // the worker's step failed on run 2: the record is the step node's
          if (seq === 2) throw new StepFailure("mask", "no exposure in dataset 'obs-2'");
          return { kind: "dataset", seq, obsId: seq, obsIds: [seq], dataset: {} as MapDataset } as Message;
        });
      },
    }),
  );
  registry.register(
    definePlugin({
      name: "mask",
      version: "1",
      description: "a per-run step",
      params: Type.Object({ level: Type.Number({ default: 3 }) }),
      input: ["dataset"],
      output: ["dataset"],
      workerStep: STEP,
      create() {
        stepCreated++;
        throw new Error("a node whose work the host's workers do is not created");
      },
    }),
  );
  const graph = {
    nodes: [
      { id: "runs", plugin: "source" },
      { id: "maker", plugin: "host" },
      { id: "mask", plugin: "mask" },
    ],
  };
  const validated = validateGraph(graph, registry);
  const pool: WorkerPool = {
    size: 2,
    acceptsStep: () => true,
    run: async () => undefined as never,
    close: async () => {},
  };
  const container = createRunContainer(
    createContainer({ data: {} as DataAccess, logger: new MemoryLogger(), workers: pool }),
    { concurrency: 1 },
  );
  const report = await runGraph(validated, container);
  assert.equal(stepCreated, 0);
  assert.deepEqual(received, [[{ node: "mask", module: STEP, params: { level: 3 } }]]);
  assert.deepEqual(
    report.results.filter((m) => m.kind === "dataset").map((m) => m.obsId),
    [1, 3],
  );
  assert.deepEqual(report.skipped, [{ obsId: 2, node: "mask", reason: "no exposure in dataset 'obs-2'" }]);
  const mask = report.timings.find((t) => t.node === "mask")!;
  assert.equal(mask.ranIn, "maker");
  assert.equal(mask.emitted, 2);
});

test("loadWorkerSteps, applyWorkerSteps: in order; a failure names its node; no runStep is refused", async () => {
  const tagging =
    "data:text/javascript,export const runStep = (d, o, p) => { if (p.fail) throw new Error(p.fail); " +
    "return { ...d, tags: [...d.tags, p.tag] }; };";
  const steps = await loadWorkerSteps([
    { node: "a", module: tagging, params: { tag: "A" } },
    { node: "b", module: tagging, params: { tag: "B" } },
  ]);
  const observation = {} as Observation;
  const start = { tags: [] } as unknown as MapDataset;
  assert.deepEqual(applyWorkerSteps(steps, start, observation), { dataset: { tags: ["A", "B"] } });
  const failing = await loadWorkerSteps([
    { node: "a", module: tagging, params: { tag: "A" } },
    { node: "b", module: tagging, params: { fail: "bad offset" } },
  ]);
  const { failed } = applyWorkerSteps(failing, start, observation);
  assert.deepEqual(failed, { node: "b", message: "bad offset" });
  await assert.rejects(
    loadWorkerSteps([{ node: "c", module: "data:text/javascript,export const run = 1;", params: {} }]),
    /node 'c': its worker step module .* exports no runStep/,
  );
  assert.deepEqual(await loadWorkerSteps(undefined), []);
});

test("a prestarted pool: taken by the size asked for, else closed; a failed preload harms no task", async () => {
  const { prestartPool, takePrestartedPool } = await import("@gammaflow/pipeline/pool");
  const noop = new URL("../src/executors/noop-task.js", import.meta.url).href;
  prestartPool(1, [noop, "file:///nonexistent/gammaflow-task.js"]);
  assert.equal(takePrestartedPool(2), undefined, "another size: not this pool");
  assert.equal(takePrestartedPool(1), undefined, "taken once, or closed");
  prestartPool(1, ["file:///nonexistent/gammaflow-task.js", noop]);
  const pool = takePrestartedPool(1);
  assert.ok(pool);
  try {
    assert.deepEqual(await pool.run({ module: noop, payload: { obsId: 7 } }), { obsId: 7 });
    await assert.rejects(pool.run({ module: "file:///nonexistent/gammaflow-task.js", payload: {} }), /Cannot find/);
  } finally {
    await pool.close();
  }
});
