import { test } from "node:test";
import assert from "node:assert/strict";
import { of } from "rxjs";
import { ComputeCache, defaultComputeCache } from "@gammaflow/core";
import {
  applyOverrides,
  applyTracedOverrides,
  createContainer,
  createRunContainer,
  definePlugin,
  Enum,
  GraphValidationError,
  MemoryLogger,
  nodeContext,
  PluginRegistry,
  Quantity,
  runContainer,
  runGraph,
  TYPES,
  Type,
  validateGraph,
  type DataAccess,
  type Graph,
  type Logger,
  type RandomSource,
  type RunContext,
} from "@gammaflow/pipeline";

const source = definePlugin({
  name: "obs-source",
  version: "1",
  description: "emits nothing",
  params: Type.Object({ obsIds: Type.Optional(Type.Array(Type.Integer())) }, { additionalProperties: false }),
  input: [],
  output: ["observation"],
  create: () => () => of(),
});
const seen: Array<{ offsetMax: number; methods: string[] }> = [];
const maker = definePlugin({
  name: "maker",
  version: "1",
  description: "observation → dataset",
  params: Type.Object(
    {
      offsetMax: Quantity("deg", { default: "3 deg", exclusiveMinimum: 0 }),
      methods: Type.Array(Enum(["a", "b"]), { default: ["a"] }),
    },
    { additionalProperties: false },
  ),
  input: ["observation"],
  output: ["dataset"],
  create:
    (params, { logger }) =>
    () => {
      seen.push(params);
      logger.warn(`made with offsetMax ${params.offsetMax}`);
      return of();
    },
});
const writer = definePlugin({
  name: "writer",
  version: "1",
  description: "dataset → file",
  params: Type.Object({ path: Type.String() }),
  input: ["dataset"],
  output: ["file"],
  create: () => () => of(),
});
const registry = new PluginRegistry().register(source, maker, writer);
const good: Graph = {
  nodes: [
    { id: "runs", plugin: "obs-source", params: { obsIds: [1, 2] } },
    { id: "make", plugin: "maker" },
    { id: "write", plugin: "writer", params: { path: "x.fits" } },
  ],
};

function issues(graph: unknown): Array<{ path: string; message: string }> {
  try {
    validateGraph(graph, registry);
  } catch (e) {
    assert.ok(e instanceof GraphValidationError, String(e));
    return e.issues;
  }
  assert.fail("the graph was accepted");
}

test("a valid graph gets its params' defaults, resolved to canonical units, and a chain of edges in node order", () => {
  const v = validateGraph(good, registry);
  assert.deepEqual(v.nodes.find((n) => n.id === "make")!.params, { offsetMax: 3, methods: ["a"] });
  assert.deepEqual(v.edges, [
    { from: "runs", to: "make" },
    { from: "make", to: "write" },
  ]);
  assert.equal(good.nodes[1].params, undefined, "the input graph is not modified");
});

test(
  "quantities arrive as numbers in their canonical unit, whatever unit the graph used; " +
    "bounds apply after conversion",
  () => {
    const withUnits = (offsetMax: unknown) => ({
      ...good,
      nodes: [good.nodes[0], { id: "make", plugin: "maker", params: { offsetMax } }, good.nodes[2]],
    });
    const params = (offsetMax: unknown) =>
      validateGraph(withUnits(offsetMax), registry).nodes.find((n) => n.id === "make")!.params;
    assert.equal(params("90 arcmin").offsetMax, 1.5);
    assert.equal(params(2).offsetMax, 2, "a number is already in the canonical unit");
    assert.ok(Math.abs((params("0.05 rad").offsetMax as number) - (0.05 * 180) / Math.PI) < 1e-12);
    const negative = issues(withUnits("-30 arcmin"));
    assert.equal(negative[0].path, "/nodes/1/params/offsetMax");
    assert.match(negative[0].message, /must be > 0 deg, got -30 arcmin \(-0.5 deg\)/);
  },
);

test("validation names every problem by its JSON path before anything runs", () => {
  const bad = {
    nodes: [
      { id: "runs", plugin: "obs-source", params: { obsIds: ["x"], extra: 1 } },
      { id: "make", plugin: "maker", params: { offsetMax: "3 TeV", methods: ["c"] } },
      { id: "write", plugin: "writer", params: {} },
      { id: "other", plugin: "no-such-plugin" },
    ],
    edges: [
      { from: "runs", to: "make" },
      { from: "make", to: "write" },
      { from: "runs", to: "write" },
      { from: "write", to: "ghost" },
    ],
  };
  const found = issues(bad);
  const byPath = Object.fromEntries(found.map((i) => [i.path, i.message]));
  assert.match(byPath["/nodes/0/params/obsIds/0"], /must be integer, got "x"/);
  assert.match(byPath["/nodes/0/params/extra"], /unknown param 'extra'/);
  assert.match(byPath["/nodes/1/params/offsetMax"], /"3 TeV" is not an angle \(e\.g\. "3 deg"\): cannot convert 'TeV'/);
  assert.match(byPath["/nodes/1/params/methods/0"], /"a", "b"; got "c"/);
  assert.match(byPath["/nodes/2/params/path"], /param 'path' is required/);
  assert.match(byPath["/nodes/3/plugin"], /unknown plugin 'no-such-plugin'/);
  assert.match(byPath["/edges/2"], /'runs' \(obs-source\) emits observation, but 'write' \(writer\) takes dataset/);
  assert.match(byPath["/edges/3/to"], /no node with id 'ghost'/);
});

test("shape errors, cycles, sources with inputs and unfed nodes are refused", () => {
  assert.match(issues({ nodes: [] })[0].message, /fewer than 1 items/);
  assert.match(issues({ nodes: [{ id: "1bad", plugin: "maker" }] })[0].path, /\/nodes\/0\/id/);
  const cycle = {
    nodes: [
      { id: "runs", plugin: "obs-source" },
      { id: "a", plugin: "maker" },
      { id: "b", plugin: "writer", params: { path: "p" } },
    ],
    edges: [
      { from: "runs", to: "a" },
      { from: "a", to: "a" },
    ],
  };
  assert.ok(issues(cycle).some((i) => /emits dataset, but 'a' \(maker\) takes observation|cycle/.test(i.message)));
  assert.ok(
    issues({ nodes: [{ id: "a", plugin: "maker" }] }).some(
      (i) => i.path === "/nodes/0" && /nothing feeds it/.test(i.message),
    ),
  );
  const intoSource = {
    nodes: [
      { id: "runs", plugin: "obs-source" },
      { id: "more", plugin: "obs-source" },
    ],
  };
  assert.ok(issues(intoSource).some((i) => /is a source and takes no input/.test(i.message)));
  assert.ok(issues({ ...good, inputs: { geom: { binsz: "0.1 TeV" } } }).some((i) => i.path === "/inputs/geom/binsz"));
});

test("command-line overrides set node params and inputs by path", () => {
  const changed = applyOverrides(good, [
    "make.offsetMax=2.5 deg",
    "nodes.runs.params.obsIds=[3]",
    "inputs.geom.width=4 deg",
  ]);
  assert.equal(changed.nodes[1].params!.offsetMax, "2.5 deg");
  assert.deepEqual(changed.nodes[0].params!.obsIds, [3]);
  assert.deepEqual(changed.inputs, { geom: { width: "4 deg" } });
  assert.throws(() => applyOverrides(good, ["nope.x=1"]), /no node with id 'nope'/);
  assert.throws(() => applyOverrides(good, ["mkae.x=1"]), /no node with id 'mkae' — did you mean 'make'\?/);
  assert.throws(() => applyOverrides(good, ["make"]), /expected path=value/);
});

test(
  "a problem is located by node id and param, echoes the value, suggests near names " +
    "and blames the --set override that put it there",
  () => {
    const { graph, sources } = applyTracedOverrides(good, ["make.offsetMax=3 degs", "make.method=[1]"]);
    let error: unknown;
    try {
      validateGraph({ ...graph, nodes: [...graph.nodes, { id: "more", plugin: "obs-sorce" }] }, registry, "g.json", {
        overrides: sources,
      });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof GraphValidationError);
    const byWhere = Object.fromEntries(error.issues.map((i) => [i.where, i]));
    const quantity = byWhere["make.offsetMax"];
    assert.equal(quantity.node, "make");
    assert.equal(quantity.param, "offsetMax");
    assert.equal(quantity.value, "3 degs");
    assert.equal(quantity.override, "make.offsetMax=3 degs");
    assert.match(
      quantity.message,
      /^"3 degs" is not an angle \(e\.g\. "3 deg"\): unknown unit 'degs'.* did you mean 'deg'\?/,
    );
    assert.match(byWhere["make.method"].message, /unknown param 'method' — did you mean 'methods'\?/);
    assert.equal(byWhere["make.method"].override, "make.method=[1]");
    assert.match(byWhere["node 'more'"].message, /unknown plugin 'obs-sorce' — did you mean 'obs-source'\?/);
    assert.equal(byWhere["node 'more'"].override, undefined, "the graph's own mistake blames no override");
    assert.match(error.message, /^g\.json with its --set overrides is not valid:\n/);
    assert.match(
      error.message,
      /\n {2}make\.offsetMax \(from --set make\.offsetMax=3 degs\): "3 degs" is not an angle/,
    );
    assert.doesNotMatch(error.message, /\/nodes\//, "people read ids, not JSON pointers");
    const bare = issues({
      ...good,
      nodes: [good.nodes[0], { id: "make", plugin: "maker", params: { offsetMax: -2 } }],
    });
    assert.match(bare[0].message, /must be > 0 deg, got -2 \(a bare number is taken in deg\)/);
  },
);

const geomInputs = {
  geom: {
    skydir: [83.63, 22.01] as [number, number],
    width: "2 deg",
    binsz: "0.1 deg",
    axes: [{ name: "energy", lo: "1 TeV", hi: "10 TeV", nbin: 3 }],
  },
};

test(
  "a run resolves its services from a child container of the process's; " + "graph inputs reach the run context",
  async () => {
    const logger = new MemoryLogger();
    const root = createContainer({ data: { resolve: (p: string) => p } as DataAccess, logger });
    const v = validateGraph({ ...good, inputs: geomInputs }, registry);
    const run = runContainer(v, root, { outDir: "/tmp/x" });
    assert.equal(run.get<Logger>(TYPES.Logger), logger, "the run inherits the process's logger");
    assert.deepEqual(run.get<RunContext>(TYPES.RunContext).geom!.dataShape, [3, 20, 20]);
    assert.equal(root.isBound(TYPES.RunContext), false, "the run's context stays in the run's container");
    seen.length = 0;
    await runGraph(v, run);
    assert.deepEqual(seen, [{ offsetMax: 3, methods: ["a"] }], "create received the resolved params");
    assert.deepEqual(
      logger.lines,
      [{ level: "warn", message: "make: made with offsetMax 3" }],
      "the node's logger is scoped to it",
    );
  },
);

test("a test swaps a binding for one run only; each run seeds its own random source", () => {
  const root = createContainer({ data: {} as DataAccess, logger: new MemoryLogger() });
  const swapped = new MemoryLogger();
  const first = createRunContainer(root, { seed: 7 });
  first.bind<Logger>(TYPES.Logger).toConstantValue(swapped);
  const second = createRunContainer(root, { seed: 7 });
  assert.equal(first.get<Logger>(TYPES.Logger), swapped);
  assert.notEqual(second.get<Logger>(TYPES.Logger), swapped, "the other run keeps the process's logger");
  const draws = (c: typeof first) => {
    const random = c.get<RandomSource>(TYPES.RandomSource);
    return [random.next(), random.next(), random.next()];
  };
  const a = draws(first);
  assert.deepEqual(draws(second), a, "the same seed gives the same sequence in another run");
  assert.notDeepEqual(draws(createRunContainer(root, { seed: 8 })), a, "another seed, another sequence");
  assert.ok(a.every((x) => x >= 0 && x < 1) && new Set(a).size === 3);
});

test("a plugin receives the services it names and no others", () => {
  const root = createContainer({ data: { resolve: (p: string) => p } as DataAccess });
  const run = createRunContainer(root);
  const named = nodeContext({ id: "n", definition: { ...maker, services: ["data", "clock"] } }, run);
  assert.deepEqual(Object.keys(named.services).sort(), ["clock", "data"]);
  assert.equal(Object.keys(nodeContext({ id: "n", definition: maker }, run).services).length, 0);
});

test("the compute cache is a service: the process's by default, a test's own when bound", () => {
  const plain = createRunContainer(createContainer({ data: {} as DataAccess }));
  const cacheNode = { id: "n", definition: { ...maker, services: ["cache" as const] } };
  const cacheOf = (run: typeof plain) => (nodeContext(cacheNode, run).services as { cache: ComputeCache }).cache;
  assert.equal(cacheOf(plain), defaultComputeCache());
  const own = new ComputeCache({ maxBytes: 1024 });
  const run = createRunContainer(createContainer({ data: {} as DataAccess, cache: own }));
  const cache = cacheOf(run);
  assert.equal(cache, own);
  assert.equal(cache.maxBytes, 1024);
});
