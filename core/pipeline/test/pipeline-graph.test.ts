import { test } from "node:test";
import assert from "node:assert/strict";
import { of } from "rxjs";
import {
  applyOverrides,
  createContainer,
  GraphValidationError,
  MemoryLogger,
  PluginRegistry,
  quantitySchema,
  runGraph,
  runServices,
  servicesFrom,
  TYPES,
  validateGraph,
  type DataAccess,
  type Graph,
  type Logger,
  type PluginDefinition,
} from "@gammaflow/core";

const source: PluginDefinition = {
  name: "obs-source",
  version: "1",
  description: "emits nothing",
  params: { additionalProperties: false, properties: { obsIds: { type: "array", items: { type: "integer" } } } },
  input: [],
  output: ["observation"],
  create: () => () => of(),
};
const maker: PluginDefinition = {
  name: "maker",
  version: "1",
  description: "observation → dataset",
  params: { additionalProperties: false, properties: { offsetMax: quantitySchema("deg", { default: "3 deg" }), methods: { type: "array", items: { enum: ["a", "b"] }, default: ["a"] } } },
  input: ["observation"],
  output: ["dataset"],
  create: (params, { services, nodeId }) => () => {
    services.logger.warn(`${nodeId} made with offsetMax ${String(params.offsetMax)}`);
    return of();
  },
};
const writer: PluginDefinition = { name: "writer", version: "1", description: "dataset → file", params: { required: ["path"], properties: { path: { type: "string" } } }, input: ["dataset"], output: ["file"], create: () => () => of() };
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

test("a valid graph gets its params' defaults and a chain of edges in node order", () => {
  const v = validateGraph(good, registry);
  assert.deepEqual(v.nodes.find((n) => n.id === "make")!.params, { offsetMax: "3 deg", methods: ["a"] });
  assert.deepEqual(v.edges, [{ from: "runs", to: "make" }, { from: "make", to: "write" }]);
  assert.equal(good.nodes[1].params, undefined, "the input graph is not modified");
});

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
  assert.match(byPath["/nodes/0/params/obsIds/0"], /integer/);
  assert.match(byPath["/nodes/0/params"], /additional properties 'extra'/);
  assert.match(byPath["/nodes/1/params/offsetMax"], /quantity in deg/);
  assert.match(byPath["/nodes/1/params/methods/0"], /"a", "b"/);
  assert.match(byPath["/nodes/2/params"], /required property 'path'/);
  assert.match(byPath["/nodes/3/plugin"], /unknown plugin 'no-such-plugin'/);
  assert.match(byPath["/edges/2"], /'runs' \(obs-source\) emits observation, but 'write' \(writer\) takes dataset/);
  assert.match(byPath["/edges/3/to"], /no node with id 'ghost'/);
});

test("shape errors, cycles, sources with inputs and unfed nodes are refused", () => {
  assert.match(issues({ nodes: [] })[0].message, /fewer than 1 items/);
  assert.match(issues({ nodes: [{ id: "1bad", plugin: "maker" }] })[0].path, /\/nodes\/0\/id/);
  const cycle = { nodes: [{ id: "runs", plugin: "obs-source" }, { id: "a", plugin: "maker" }, { id: "b", plugin: "writer", params: { path: "p" } }], edges: [{ from: "runs", to: "a" }, { from: "a", to: "a" }] };
  assert.ok(issues(cycle).some((i) => /emits dataset, but 'a' \(maker\) takes observation|cycle/.test(i.message)));
  assert.ok(issues({ nodes: [{ id: "a", plugin: "maker" }] }).some((i) => i.path === "/nodes/0" && /nothing feeds it/.test(i.message)));
  const intoSource = { nodes: [{ id: "runs", plugin: "obs-source" }, { id: "more", plugin: "obs-source" }] };
  assert.ok(issues(intoSource).some((i) => /is a source and takes no input/.test(i.message)));
  assert.ok(issues({ ...good, inputs: { geom: { binsz: "0.1 TeV" } } }).some((i) => i.path === "/inputs/geom/binsz"));
});

test("command-line overrides set node params and inputs by path", () => {
  const changed = applyOverrides(good, ["make.offsetMax=2.5 deg", "nodes.runs.params.obsIds=[3]", "inputs.geom.width=4 deg"]);
  assert.equal(changed.nodes[1].params!.offsetMax, "2.5 deg");
  assert.deepEqual(changed.nodes[0].params!.obsIds, [3]);
  assert.deepEqual(changed.inputs, { geom: { width: "4 deg" } });
  assert.throws(() => applyOverrides(good, ["nope.x=1"]), /no node with id 'nope'/);
  assert.throws(() => applyOverrides(good, ["make"]), /expected path=value/);
});

test("services come from the container, so a test swaps the logger; graph inputs reach the run context", async () => {
  const logger = new MemoryLogger();
  const container = createContainer({ data: {} as DataAccess, logger });
  assert.equal(container.get<Logger>(TYPES.Logger), logger);
  const graph = { ...good, inputs: { geom: { skydir: [83.63, 22.01] as [number, number], width: "2 deg", binsz: "0.1 deg", axes: [{ name: "energy", lo: "1 TeV", hi: "10 TeV", nbin: 3 }] } } };
  const v = validateGraph(graph, registry);
  const services = runServices(v, { data: { resolve: (p: string) => p } as DataAccess, logger });
  assert.deepEqual(services.run.geom!.dataShape, [3, 20, 20]);
  await runGraph(v, services);
  assert.deepEqual(logger.lines, [{ level: "warn", message: "make made with offsetMax 3 deg" }]);
  assert.equal(servicesFrom(container).random.next(), servicesFrom(createContainer({ data: {} as DataAccess })).random.next(), "seeded random source");
});
