// The bundled launcher starts a worker pool before the commands load only for what a `run`
// command will ask the pool executor for.
import assert from "node:assert/strict";
import { test } from "node:test";
import { explicitWorkers } from "../src/bundle/prestart.js";

test("explicitWorkers: N of run … --workers N, never for auto, 0, another executor or another command", () => {
  assert.equal(explicitWorkers(["run", "g.json", "--workers", "2"]), 2);
  assert.equal(explicitWorkers(["run", "--workers=3", "g.json", "--out", "o"]), 3);
  assert.equal(explicitWorkers(["run", "g.json", "--workers", "2", "--executor", "pool"]), 2);
  assert.equal(explicitWorkers(["run", "g.json", "--workers", "auto"]), undefined);
  assert.equal(explicitWorkers(["run", "g.json", "--workers", "0"]), undefined);
  assert.equal(explicitWorkers(["run", "g.json", "--workers", "two"]), undefined);
  assert.equal(explicitWorkers(["run", "g.json", "--executor=bullmq", "--workers", "2"]), undefined);
  assert.equal(explicitWorkers(["validate", "g.json", "--workers", "2"]), undefined);
  assert.equal(explicitWorkers(["run", "g.json", "--", "--workers", "2"]), undefined);
  assert.equal(explicitWorkers(["run", "g.json"]), undefined);
});
