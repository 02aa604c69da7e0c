import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { modelsFromYaml, treeIssues } from "@gammaflow/core";
import { fixturePath } from "./fixtures.js";

test("a models file whose keys would reach a prototype is refused, naming the key's path", () => {
  const yaml = readFileSync(fixturePath("fit_point_pl_models.yaml"), "utf8");
  const hostile = yaml.replace(/^components:\n/m, "components:\n- __proto__: {allowAnyPath: true}\n");
  assert.notEqual(hostile, yaml);
  assert.throws(
    () => modelsFromYaml(hostile),
    /models file: \/components\/0\/__proto__: the key '__proto__' is refused/,
  );
  assert.equal(({} as Record<string, unknown>).allowAnyPath, undefined);
});

test("treeIssues walks without recursion and stops at the depth limit", () => {
  let deep: unknown = {};
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  assert.deepEqual(treeIssues(deep, "", 3), [{ path: "/a/a/a", message: "nested deeper than 3 levels" }]);
  assert.deepEqual(treeIssues({ list: [{ prototype: 1 }] }), [
    { path: "/list/0/prototype", message: "the key 'prototype' is refused: it would reach every object's prototype" },
  ]);
});
