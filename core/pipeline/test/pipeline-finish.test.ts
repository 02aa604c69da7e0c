import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { lastValueFrom, of, tap, toArray } from "rxjs";
import {
  createContainer,
  createRunContainer,
  definePlugin,
  outputFiles,
  paced,
  partialName,
  PluginRegistry,
  runGraph,
  Type,
  validateGraph,
  type DataAccess,
  type Message,
  type RunContext,
  SystemClock,
} from "@gammaflow/pipeline";

const data = {
  join: (...parts: string[]) => path.join(...parts),
  resolve: (p: string) => path.resolve(p),
} as DataAccess;

test("partialName puts .partial before the extension, .fits.gz counting as one", () => {
  assert.equal(partialName("stacked.fits.gz"), "stacked.partial.fits.gz");
  assert.equal(partialName("stacked.fits"), "stacked.partial.fits");
  assert.equal(partialName("fit/models_covariance.dat"), "fit/models_covariance.partial.dat");
  assert.equal(partialName("stacked-counts.png"), "stacked-counts.partial.png");
  assert.equal(partialName("dir.v2/stack"), "dir.v2/stack.partial");
});

test("outputFiles: whole-run results written after a finish request are partial, per-run ones are not", () => {
  const finish = new AbortController();
  const run = { outDir: "/out", concurrency: 1, finish: finish.signal } as RunContext;
  const context = { nodeId: "write", run };
  const stack = { kind: "dataset" };
  assert.deepEqual(outputFiles(context, data, stack).path("stacked.fits.gz"), "/out/stacked.fits.gz");
  finish.abort();
  const files = outputFiles(context, data, stack);
  assert.equal(files.partial, true);
  assert.equal(files.path("stacked.fits.gz"), "/out/stacked.partial.fits.gz");
  const perRun = outputFiles(context, data, { kind: "dataset", obsId: 23523 });
  assert.throws(() => outputFiles(context, data, stack).path("../stacked.fits.gz"), /leads outside the output folder/);
  assert.equal(perRun.partial, false);
  assert.equal(perRun.path("run-23523.fits.gz"), "/out/run-23523.fits.gz");
});

test("a run asked to finish reports cancelled and partial; one that ran out reports neither", async () => {
  const registry = new PluginRegistry();
  registry.register(
    definePlugin({
      name: "src",
      version: "1",
      description: "one observation",
      params: Type.Object({}),
      input: [],
      output: ["observation"],
      create: () => () => of({ kind: "observation", seq: 0, obsId: 1 } as unknown as Message),
    }),
  );
  const graph = validateGraph({ nodes: [{ id: "src", plugin: "src" }] }, registry);
  const run = (finish?: AbortSignal) => runGraph(graph, createRunContainer(createContainer({ data }), { finish }));
  const complete = await run();
  assert.deepEqual([complete.cancelled, complete.partial], [false, false]);
  const finish = new AbortController();
  finish.abort();
  const finished = await run(finish.signal);
  assert.deepEqual([finished.cancelled, finished.partial], [true, true]);
});

test("paced: a generator's items are made one per tick, with the event loop between; none once finishing", async () => {
  const events: string[] = [];
  function* items() {
    for (let i = 0; i < 3; i++) {
      events.push(`make ${i}`);
      yield i;
    }
  }
  const finish = new AbortController();
  const taken = await lastValueFrom(
    paced(items(), new SystemClock(), finish.signal).pipe(
      tap((i) => {
        setImmediate(() => events.push(`loop after ${i}`));
        if (i === 1) finish.abort();
      }),
      toArray(),
    ),
  );
  assert.deepEqual(taken, [0, 1]);
  assert.deepEqual(events, ["make 0", "loop after 0", "make 1", "loop after 1"]);
});
