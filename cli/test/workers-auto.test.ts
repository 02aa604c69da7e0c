import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { autoWorkers, loadGraph, REPO_ROOT } from "../src/index.js";

const graph = (name: string) => loadGraph(path.join(REPO_ROOT, "graphs", name));

test("--workers auto: in this thread on 2 cores, and for few runs; else a worker per core but one", async () => {
  const combined = (await graph("combined-chain.json")).validated; // 4 runs named
  const pks = (await graph("pks2155-stack.json")).validated; // a target: the runs are not counted
  assert.equal(autoWorkers(pks, 2), 0, "2 cores: the pool does not pay");
  assert.equal(autoWorkers(combined, 2), 0);
  assert.equal(autoWorkers(combined, 8), 0, "4 runs on 8 cores: too few");
  assert.equal(autoWorkers(pks, 8), 7);
});
