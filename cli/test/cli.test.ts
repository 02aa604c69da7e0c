import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BUILTIN_PACKAGES, formatReport, loadGraph, registryWith } from "../src/index.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CLI = path.join(REPO, "cli", "dist", "src", "gammaflow.js");

test(
  "the built-in registry holds every plugin of the built-in packages, " + "each with a params schema and kinds",
  async () => {
    const registry = await registryWith();
    assert.equal(BUILTIN_PACKAGES.length, 10);
    const names = registry.list().map((p) => p.name);
    for (const name of [
      "datastore-source",
      "watch-source",
      "cutout",
      "map-dataset-maker",
      "safe-mask",
      "fov-background",
      "ring-background",
      "adaptive-ring-background",
      "excess-map",
      "stacker",
      "to-image",
      "dataset-writer",
      "summary",
      "png-preview",
      "dataset-create",
      "fit",
      "simulate-dataset",
      "fake",
      "event-sampler",
    ]) {
      assert.ok(names.includes(name), name);
    }
    for (const p of registry.list()) {
      assert.equal(typeof p.params, "object", p.name);
      assert.ok(p.output.length > 0, `${p.name} emits something`);
    }
    await assert.rejects(
      registryWith(["./no-such-plugin"], REPO),
      /plugin package '.\/no-such-plugin' could not be loaded/,
    );
  },
);

test("every graph in graphs/ validates", async () => {
  for (const name of [
    "empty-dataset",
    "empty-dataset-true-energy",
    "run-23592",
    "safe-mask",
    "stacking",
    "combined-chain",
    "ring-background",
    "adaptive-ring-background",
    "watch-folder",
    "pks2155-stack",
  ]) {
    const { validated } = await loadGraph(path.join(REPO, "graphs", `${name}.json`));
    assert.ok(validated.nodes.length >= 2, name);
  }
  await assert.rejects(loadGraph(path.join(REPO, "graphs", "missing.json")), /missing\.json: cannot read the graph/);
});

test("the report names what was used, skipped and written", () => {
  const text = formatReport({
    graph: "g",
    used: [1, 2],
    skipped: [{ obsId: 3, node: "maker", reason: "broken file" }],
    outputs: [{ path: "/out/x.fits.gz", description: "dataset 'x'" }],
    results: [],
    finals: [],
    timings: [],
    cancelled: false,
    partial: false,
    durationMs: 1234,
  });
  assert.match(text, /g: done in 1\.2 s/);
  assert.match(text, /used 2 observations: 1, 2/);
  assert.match(text, /3 at maker: broken file/);
  assert.match(text, /wrote \/out\/x\.fits\.gz/);
  const partial = formatReport(
    {
      graph: "g",
      used: [1],
      skipped: [],
      outputs: [{ path: "/out/x.partial.fits.gz", description: "dataset 'x'", partial: true }],
      results: [],
      finals: [],
      timings: [],
      cancelled: true,
      partial: true,
      durationMs: 100,
    },
    { exitCode: 130, problems: ["interrupted by SIGINT: …"], interrupted: "SIGINT" },
  );
  assert.match(partial, /g: finished early in 0\.1 s/);
  assert.match(partial, /wrote \/out\/x\.partial\.fits\.gz \(dataset 'x', partial\)/);
  assert.match(partial, /exit code 130:\n {4}interrupted by SIGINT/);
});

test("usage errors exit with 2 and say where the help is", () => {
  const r = spawnSync(process.execPath, [CLI, "frobnicate"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  assert.match(r.stderr, /gammaflow help: the commands; gammaflow help COMMAND: its options/);
  const bad = spawnSync(
    process.execPath,
    [CLI, "run", path.join(REPO, "graphs", "combined-chain.json"), "--workers", "two"],
    { encoding: "utf8" },
  );
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--workers must be a whole number/);
});
