import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { createRequire } from "node:module";
import { MemoryLogger } from "@gammaflow/pipeline";
import { runGraphFile } from "@gammaflow/cli";
import { repoRoot } from "../src/chains.js";
import { assertSameMaps, classApiStack, finalStack } from "../src/graph-checks.js";
import { BUNDLED_STORE, temp } from "../src/stores.js";

const EXAMPLE = path.join(repoRoot, "examples", "plugin-min-livetime");

test("an out-of-tree plugin package is loaded with --plugin, listed by a graph and used; what it skips is reported", {
  timeout: 120_000,
}, async () => {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const build = spawnSync(process.execPath, [tsc, "-p", EXAMPLE], { encoding: "utf8" });
  assert.equal(build.status, 0, build.stdout + build.stderr);
  const graph = path.join(EXAMPLE, "graph.json");
  await assert.rejects(
    runGraphFile(graph, { outDir: temp("plugin-refused"), logger: new MemoryLogger() }),
    /\/plugins\/0: plugin package '\.' is not loaded: a graph never loads code/,
    "the graph's own list loads nothing",
  );
  const report = await runGraphFile(graph, {
    plugins: [EXAMPLE],
    outDir: temp("plugin"),
    logger: new MemoryLogger(),
  });
  assert.deepEqual(report.used, [23523, 23592]);
  assert.deepEqual(
    report.skipped.map((s) => [s.obsId, s.node]),
    [
      [23526, "long-enough"],
      [23559, "long-enough"],
    ],
  );
  assert.match(report.skipped[0].reason, /live time 1573 s is below the minimum 1580 s/);
  assertSameMaps(finalStack(report).dataset, classApiStack(BUNDLED_STORE, [23523, 23592]));
});
