import { test } from "node:test";
import assert from "node:assert/strict";
import { catchError, delay, lastValueFrom, map, Observable, of, tap } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import type { Container } from "inversify";
import {
  createContainer,
  createRunContainer,
  definePlugin,
  graphStream,
  MemoryLogger,
  type NodeFailure,
  perMessage,
  PluginRegistry,
  restoreOrder,
  runGraph,
  Type,
  validateGraph,
  type Clock,
  type DataAccess,
  type Message,
  type WorkerPool,
} from "@gammaflow/pipeline";

// Messages stand in for observations: the runner never looks inside them.
type Item = Message & { value: number };
const item = (seq: number, value = seq): Item =>
  ({ kind: "observation", seq, obsId: 100 + seq, value }) as unknown as Item;
const noData = {} as DataAccess;

function services(scheduler: TestScheduler | undefined, concurrency = 1): Container {
  const clock: Clock | undefined = scheduler && { now: () => scheduler.now(), scheduler };
  return createRunContainer(createContainer({ data: noData, clock, logger: new MemoryLogger() }), { concurrency });
}
const noParams = Type.Object({});

/**
 * A registry whose source emits a given cold observable, with a doubling node that fails on odd values
 * ≥ `failFrom`.
 */
function registryWith(source: () => Observable<Message>, failFrom = Infinity): PluginRegistry {
  const src = definePlugin({
    name: "src",
    version: "1",
    description: "test source",
    params: noParams,
    input: [],
    output: ["observation"],
    create: () => () => source(),
  });
  const double = definePlugin({
    name: "double",
    version: "1",
    description: "doubles",
    params: noParams,
    input: ["observation"],
    output: ["observation"],
    create: (_p, context) =>
      perMessage<Item>(context, (m) => {
        if (m.value >= failFrom && m.value % 2 === 1) throw new Error(`odd value ${m.value}`);
        return { ...m, value: m.value * 2 } as Item;
      }),
  });
  const sum = definePlugin({
    name: "sum",
    version: "1",
    description: "sums in order",
    params: noParams,
    input: ["observation"],
    output: ["dataset"],
    ordered: true,
    create: () => (input) =>
      new Observable<Message>((subscriber) => {
        const seen: number[] = [];
        return input.subscribe({
          next: (m) => seen.push((m as Item).value),
          error: (e) => subscriber.error(e),
          complete: () => {
            subscriber.next({ kind: "dataset", obsIds: seen, final: true } as unknown as Message);
            subscriber.complete();
          },
        });
      }),
  });
  return new PluginRegistry().register(src, double, sum);
}

const chain = (...plugins: string[]) => ({ nodes: plugins.map((plugin, i) => ({ id: `${plugin}${i}`, plugin })) });

test(
  "marble: a per-observation node keeps the order of synchronous work " + "and turns a failure into an error record",
  () => {
    const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
    scheduler.run(({ cold, expectObservable }) => {
      const source = () => cold("a-b-c|", { a: item(0, 1), b: item(1, 3), c: item(2, 4) });
      const validated = validateGraph(chain("src", "double"), registryWith(source, 3));
      const out = graphStream(validated, services(scheduler)).pipe(
        map((m) => (m.kind === "error" ? `E${m.obsId}` : (m as Item).value)),
      );
      expectObservable(out).toBe("a-b-c|", { a: 2, b: "E101", c: 8 });
    });
  },
);

test(
  "marble: the output completes when the source completes, " + "and a node that throws fails the run naming the node",
  () => {
    const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
    scheduler.run(({ cold, expectObservable }) => {
      const source = () => cold("a--#", { a: item(0) }, new Error("disk gone"));
      const validated = validateGraph(chain("src", "double"), registryWith(source));
      const out = graphStream(validated, services(scheduler)).pipe(
        map((m) => (m as Item).value),
        catchError((e: NodeFailure) => {
          throw `${e.node}: ${e.message}`;
        }),
      );
      expectObservable(out).toBe("a--#", { a: 0 }, "src0: node 'src0' (src) failed: disk gone");
    });
  },
);

test("marble: an ordered node receives the source order even when work finishes out of order", () => {
  const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
  scheduler.run(({ cold, expectObservable }) => {
    // seq 1 arrives first, then seq 0, then 2: restoreOrder holds 1 until 0 has passed.
    const input = cold("b---a---c|", { a: item(0), b: item(1), c: item(2) });
    expectObservable(
      input.pipe(
        restoreOrder(),
        map((m) => m.seq),
      ),
    ).toBe("----(ab)c|", { a: 0, b: 1, c: 2 });
  });
});

test("marble: error records pass around nodes and still release the ordered node's waiting messages", () => {
  const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
  scheduler.run(({ cold, expectObservable }) => {
    const source = () => cold("a-b-c|", { a: item(0, 1), b: item(1, 3), c: item(2, 5) });
    const validated = validateGraph(chain("src", "double", "sum"), registryWith(source, 3));
    const out = graphStream(validated, services(scheduler)).pipe(
      map((m) => (m.kind === "error" ? `E${m.obsId}` : JSON.stringify((m as { obsIds: number[] }).obsIds))),
    );
    expectObservable(out).toBe("--b-c(d|)", { b: "E101", c: "E102", d: "[2]" });
  });
});

test("marble: a fan-out feeds every consumer all messages", () => {
  const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
  scheduler.run(({ cold, expectObservable }) => {
    const source = () => cold("a---(b|)", { a: item(0), b: item(1) });
    const graph = {
      nodes: [
        { id: "s", plugin: "src" },
        { id: "x", plugin: "double" },
        { id: "y", plugin: "double" },
      ],
      edges: [
        { from: "s", to: "x" },
        { from: "s", to: "y" },
      ],
    };
    const out = graphStream(validateGraph(graph, registryWith(source)), services(scheduler)).pipe(
      map((m) => (m as Item).value),
    );
    expectObservable(out).toBe("(aa)(bb|)", { a: 0, b: 2 });
  });
});

test(
  "per-observation work runs at most `concurrency` at a time, " + "and the ordered node sees the source order",
  async () => {
    let active = 0;
    let maxActive = 0;
    const slow = definePlugin({
      name: "slow",
      version: "1",
      description: "async work with varying delays",
      params: noParams,
      input: ["observation"],
      output: ["observation"],
      create: (_p, context) =>
        perMessage<Item>(context, async (m) => {
          active++;
          maxActive = Math.max(maxActive, active);
          await new Promise((r) => setTimeout(r, (7 - m.value) * 3));
          active--;
          return m;
        }),
    });
    const registry = registryWith(() => of(...[0, 1, 2, 3, 4, 5, 6].map((v) => item(v))).pipe(delay(0)));
    registry.register(slow);
    const report = await runGraph(validateGraph(chain("src", "slow", "sum"), registry), services(undefined, 3));
    assert.equal(maxActive, 3);
    const final = report.results.find((m) => m.kind === "dataset") as unknown as { obsIds: number[] };
    assert.deepEqual(final.obsIds, [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(report.cancelled, false);
  },
);

test("runGraph reports skipped observations with node and cause, and a cancelled run says so", async () => {
  const registry = registryWith(() => of(item(0, 1), item(1, 3), item(2, 4)), 3);
  const report = await runGraph(validateGraph(chain("src", "double", "sum"), registry), services(undefined));
  assert.deepEqual(report.skipped, [{ obsId: 101, node: "double1", reason: "odd value 3" }]);
  const cancel = new AbortController();
  cancel.abort();
  const s = createRunContainer(createContainer({ data: noData }), { signal: cancel.signal });
  const cancelled = await runGraph(validateGraph(chain("src", "double", "sum"), registry), s);
  assert.equal(cancelled.cancelled, true);
  assert.equal(cancelled.results.length, 0);
});

test(
  "runGraph times each node: messages in and out, failures, its own work in this thread " +
    "without the nodes downstream, and its per-message work",
  async () => {
    const SPIN_MS = 15;
    const spin = definePlugin({
      name: "spin",
      version: "1",
      description: "keeps this thread busy for a while per message",
      params: noParams,
      input: ["observation"],
      output: ["observation"],
      create: (_p, context) =>
        perMessage<Item>(context, (m) => {
          const until = performance.now() + SPIN_MS;
          while (performance.now() < until);
          return m;
        }),
    });
    const registry = registryWith(() => of(item(0, 1), item(1, 3), item(2, 4)), 3).register(spin);
    const validated = validateGraph(chain("src", "spin", "spin", "double", "sum"), registry);
    const report = await runGraph(validated, services(undefined));
    const byNode = Object.fromEntries(report.timings.map((t) => [t.node, t]));
    assert.deepEqual(
      report.timings.map((t) => [t.node, t.plugin, t.received, t.emitted, t.failed, t.tasks]),
      [
        ["src0", "src", 0, 3, 0, 0],
        ["spin1", "spin", 3, 3, 0, 3],
        ["spin2", "spin", 3, 3, 0, 3],
        // the error record for value 3 passes around sum4: not received there
        ["double3", "double", 3, 2, 1, 3],
        ["sum4", "sum", 2, 1, 0, 0],
      ],
    );
    for (const node of ["spin1", "spin2"]) {
      const t = byNode[node];
      // its three spins, and not the next spin node's three (nested in its handler)
      assert.ok(t.busyMs >= 3 * SPIN_MS - 1 && t.busyMs < 5 * SPIN_MS, `${node} busy ${t.busyMs} ms`);
      assert.ok(t.taskMs >= 3 * SPIN_MS - 1, `${node} tasks ${t.taskMs} ms`);
    }
    for (const node of ["src0", "double3", "sum4"])
      assert.ok(byNode[node].busyMs < SPIN_MS, `${node} busy ${byNode[node].busyMs} ms`);
    for (const t of report.timings) {
      assert.ok(t.startMs !== undefined && t.endMs !== undefined && t.startMs <= t.endMs, t.node);
      assert.ok(t.endMs <= report.durationMs + 1, `${t.node} ends within the run`);
    }
  },
);

test("runGraph lists the files written in the graph's node order, whichever writer finishes first", async () => {
  const writer = (name: string, waitMs: number) =>
    definePlugin({
      name,
      version: "1",
      description: `writes a file after ${waitMs} ms`,
      params: noParams,
      input: ["observation"],
      output: ["file"],
      create: () => (input) =>
        input.pipe(
          delay(waitMs),
          map((m) => ({ kind: "file", seq: m.seq, path: `${name}-${m.obsId}`, description: name }) as Message),
        ),
    });
  const registry = registryWith(() => of(item(0), item(1))).register(writer("slow", 30), writer("quick", 0));
  const graph = {
    nodes: [
      { id: "runs", plugin: "src" },
      { id: "a", plugin: "slow" },
      { id: "b", plugin: "quick" },
    ],
    edges: [
      { from: "runs", to: "a" },
      { from: "runs", to: "b" },
    ],
  };
  const report = await runGraph(validateGraph(graph, registry), services(undefined));
  assert.deepEqual(
    report.results.filter((m) => m.kind === "file").map((m) => (m as unknown as { path: string }).path),
    ["quick-100", "quick-101", "slow-100", "slow-101"],
    "the quick writer finished first",
  );
  assert.deepEqual(
    report.outputs.map((o) => o.path),
    ["slow-100", "slow-101", "quick-100", "quick-101"],
  );
});

test("the worker pool is released once every node that uses it has completed, before the nodes after it", async () => {
  const log: string[] = [];
  const pool: WorkerPool = {
    size: 1,
    run: async <T>() => undefined as T,
    release: async () => void log.push("release"),
    close: async () => void log.push("close"),
  };
  const pooled = definePlugin({
    name: "pooled",
    version: "1",
    description: "uses the pool",
    params: noParams,
    input: ["observation"],
    output: ["observation"],
    services: ["workers"],
    create: (_p, context) => perMessage<Item>(context, (m) => ({ ...m, value: m.value + 1 }) as Item),
  });
  const registry = registryWith(() => of(item(0), item(1), item(2))).register(pooled);
  const container = createRunContainer(createContainer({ data: noData, logger: new MemoryLogger(), workers: pool }), {
    concurrency: 1,
  });
  const out = graphStream(validateGraph(chain("src", "pooled", "sum"), registry), container);
  const final = await lastValueFrom(out.pipe(tap(() => log.push("final"))));
  assert.deepEqual((final as unknown as { obsIds: number[] }).obsIds, [1, 2, 3]);
  assert.deepEqual(log, ["release", "final"], "released as the pooled node completed, once, and not closed");

  // no node uses the pool: it is left alone (the run closes it at the end)
  log.length = 0;
  const plain = graphStream(validateGraph(chain("src", "double", "sum"), registry), container);
  await lastValueFrom(plain.pipe(tap(() => log.push("final"))));
  assert.deepEqual(log, ["final"]);
});
