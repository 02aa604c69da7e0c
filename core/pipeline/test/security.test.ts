import { test } from "node:test";
import assert from "node:assert/strict";
import { of } from "rxjs";
import {
  applyOverrides,
  checkParams,
  definePlugin,
  GraphValidationError,
  PluginRegistry,
  Type,
  validateGraph,
  type Graph,
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
const pass = definePlugin({
  name: "pass",
  version: "1",
  description: "passes what it receives",
  params: Type.Object({ options: Type.Optional(Type.Object({})) }),
  input: ["observation"],
  output: "input",
  create: () => (input) => input,
});
const registry = new PluginRegistry().register(source, pass);
const good: Graph = {
  nodes: [
    { id: "runs", plugin: "obs-source", params: { obsIds: [1, 2] } },
    { id: "keep", plugin: "pass" },
  ],
};

function issuesOf(run: () => unknown): Array<{ path: string; message: string }> {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof GraphValidationError, String(e));
    return e.issues;
  }
  assert.fail("accepted");
}

const polluted = () => ({}) as Record<string, unknown>;

test("--set refuses __proto__, constructor and prototype path segments: Object.prototype stays clean", () => {
  for (const override of [
    "keep.__proto__.allowAnyPath=true",
    "nodes.keep.params.constructor.prototype.allowAnyPath=true",
    "inputs.__proto__.allowAnyPath=true",
    "keep.options.prototype=1",
  ]) {
    assert.throws(() => applyOverrides(good, [override]), /--set '.*': the key '(__proto__|constructor|prototype)'/);
  }
  assert.equal(polluted().allowAnyPath, undefined, "no object gained allowAnyPath");
  assert.throws(
    () => applyOverrides(good, ['keep.options={"__proto__":{"allowAnyPath":true}}']),
    /--set 'keep.options=.*': \/__proto__: the key '__proto__' is refused/,
  );
});

test("graph JSON and params objects with prototype keys are refused by their JSON path", () => {
  const text =
    '{"nodes":[{"id":"runs","plugin":"obs-source"},' +
    '{"id":"keep","plugin":"pass","params":{"options":{"__proto__":{"allowAnyPath":true}}}}]}';
  const issues = issuesOf(() => validateGraph(JSON.parse(text), registry));
  assert.deepEqual(
    issues.map((i) => i.path),
    ["/nodes/1/params/options/__proto__"],
  );
  assert.match(issues[0].message, /the key '__proto__' is refused/);
  const checked = checkParams(pass, JSON.parse('{"constructor":{"prototype":{"x":1}}}'), "/params");
  assert.deepEqual(
    checked.issues.map((i) => i.path),
    ["/params/constructor"],
  );
  assert.equal(polluted().allowAnyPath, undefined);
});

test("deep JSON is refused with a clear message, not a stack overflow", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 200_000; i++) deep = [deep];
  const graph = { ...good, nodes: [good.nodes[0], { ...good.nodes[1], params: { options: { deep } } }] };
  const issues = issuesOf(() => validateGraph(graph, registry, "deep.json"));
  assert.equal(issues.length, 1);
  assert.match(issues[0].path, /^\/nodes\/1\/params\/options\/deep(\/0)+$/);
  assert.match(issues[0].message, /nested deeper than 64 levels/);
  assert.throws(() => applyOverrides(graph as Graph, []), /the graph: \/nodes\/1\/.*nested deeper than 64 levels/);
});

test("validation is linear in the nodes: a 64k-node chain validates in seconds", () => {
  const nodes = [good.nodes[0], ...Array.from({ length: 65_535 }, (_, i) => ({ id: `n${i}`, plugin: "pass" }))];
  const started = performance.now();
  const validated = validateGraph({ nodes }, registry);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(validated.nodes.length, 65_536);
  assert.equal(validated.nodes.at(-1)!.id, "n65534", "the chain keeps its order");
  assert.deepEqual(validated.nodes.at(-1)!.emits, ["observation"]);
  // Quadratic validation took over 120 s here; linear takes about 1 s.
  assert.ok(seconds < 15, `validation took ${seconds.toFixed(1)} s`);
});

const energy = { name: "energy", lo: "1 TeV", hi: "10 TeV", nbin: 3 };
const smallGeom = { skydir: [83.63, 22.01] as [number, number], width: "2 deg", binsz: "0.1 deg", axes: [energy] };

function inputProblems(inputs: Graph["inputs"]): Record<string, string> {
  const started = performance.now();
  const found = issuesOf(() => validateGraph({ ...good, inputs }, registry));
  assert.ok(performance.now() - started < 2000, "refused at once, nothing allocated");
  return Object.fromEntries(found.map((i) => [i.path, i.message]));
}

test("sizes are bounded before anything is allocated: nbin, pixels, IRF pixel size, rad and migra edges", () => {
  const nbin = inputProblems({ geom: { ...smallGeom, axes: [{ ...energy, nbin: 3e8 }] } });
  assert.equal(nbin["/inputs/geom/axes/0/nbin"], "must be <= 10000, got 300000000");
  const pixels = inputProblems({ geom: { ...smallGeom, width: "360 deg", binsz: "1e-6 deg" } });
  assert.match(
    pixels["/inputs/geom"],
    /width of 360 × 360 deg at 0.000001 × 0.000001 deg pixels gives 360000000 × 360000000 pixels, too large/,
  );
  const cases: Array<[NonNullable<Graph["inputs"]>["dataset"], RegExp]> = [
    [{ binszIrf: "1e-4 deg" }, /IRF maps at binszIrf 0.0001 deg: .*too large/],
    [{ binszIrf: "0 deg" }, /binszIrf 0 deg: .*binsz must be a positive angle/],
    [{ binszIrf: "1000 deg" }, /binszIrf 1000 deg: .*gives 0 × 0 pixels, none/],
    [{ radAxis: { name: "rad", lo: 0, hi: "500 deg", nbin: 66 } }, /axis 'rad': edges must be ≥ 0 and ≤ 180 deg/],
    [{ radAxis: { name: "rad", lo: 1, hi: 0, nbin: 10 } }, /axis 'rad': lo must be below hi, got 1 to 0/],
    [{ migraAxis: { name: "migra", lo: 0, hi: 5, nbin: 10, interp: "log" } }, /log spacing needs positive edges/],
  ];
  for (const [dataset, message] of cases)
    assert.match(inputProblems({ geom: smallGeom, dataset })["/inputs/dataset"], message);
  const wide = { ...smallGeom, width: "20 deg", binsz: "0.02 deg" };
  const heavy = { energyAxisTrue: { ...energy, name: "energy_true", nbin: 2000 } };
  assert.match(
    inputProblems({ geom: wide, dataset: heavy })["/inputs/dataset"],
    /exposure 2000×1000×1000 float32.* need [\d.]+ GiB, more than the 8.00 GiB allowed/,
  );
  const fine = { radAxis: { name: "rad", lo: 0, hi: 30, nbin: 10, unit: "arcmin" } };
  assert.doesNotThrow(() => validateGraph({ ...good, inputs: { geom: smallGeom, dataset: fine } }, registry));
});
