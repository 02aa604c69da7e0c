// Precompiled validators (usePrecompiledValidators): used where they exist; a schema without one is
// refused (the page) or compiled (the bundled CLI with a third party's plugin: compileMissing).
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { ValidateFunction } from "ajv";
import { of } from "rxjs";
import {
  definePlugin,
  graphSchema,
  paramsSchema,
  PluginRegistry,
  Type,
  usePrecompiledValidators,
  validateGraph,
  validatorOf,
} from "@gammaflow/pipeline";

after(() => usePrecompiledValidators(undefined));

const source = definePlugin({
  name: "numbers",
  version: "1",
  description: "emits nothing",
  params: Type.Object({ count: Type.Integer({ minimum: 1, default: 2 }) }, { additionalProperties: false }),
  input: [],
  output: ["observation"],
  create: () => () => of(),
});
const registry = new PluginRegistry().register(source);
const graph = { nodes: [{ id: "n", plugin: "numbers" }] };

/** The graph schema's validator as precompiled, counting its calls; no other schema has one. */
function graphSchemaOnly() {
  usePrecompiledValidators(undefined);
  const real = validatorOf(graphSchema);
  let calls = 0;
  const counted = ((data: unknown) => {
    calls++;
    const ok = real(data);
    counted.errors = real.errors;
    return ok;
  }) as ValidateFunction;
  const asked: string[] = [];
  const find = (key: string) => {
    asked.push(key);
    return key === JSON.stringify(graphSchema) ? counted : undefined;
  };
  return { find, asked, calls: () => calls };
}

test("without compileMissing a schema with no precompiled validator is refused, naming what it checks", () => {
  const { find } = graphSchemaOnly();
  usePrecompiledValidators(find);
  assert.throws(() => validateGraph(graph, registry), /no precompiled validator for the params of plugin 'numbers'/);
});

test("with compileMissing the precompiled validator is used and a missing one compiled, each once", () => {
  const { find, asked, calls } = graphSchemaOnly();
  usePrecompiledValidators(find, { compileMissing: true });
  const validated = validateGraph(graph, registry);
  assert.deepEqual(validated.nodes[0].params, { count: 2 }, "the compiled params validator applied the default");
  assert.equal(calls(), 1, "the graph was checked by the precompiled validator");
  validateGraph(graph, registry);
  assert.equal(calls(), 2);
  const paramsKey = JSON.stringify(paramsSchema(source));
  assert.deepEqual(
    asked.filter((k) => k === paramsKey),
    [paramsKey],
    "a schema is looked up once, then kept",
  );
  assert.throws(
    () => validateGraph({ nodes: [{ id: "n", plugin: "numbers", params: { count: 0 } }] }, registry),
    /count/,
  );
});
