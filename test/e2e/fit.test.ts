import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Datasets, Fit, modelsFromDict, modelsToYaml } from "@gammaflow/core";
import { readDataset } from "@gammaflow/core/node";
import { MemoryLogger } from "@gammaflow/pipeline";
import { runGraphFile } from "@gammaflow/cli";
import { repoRoot } from "../src/chains.js";
import { temp } from "../src/stores.js";

// graphs/crab-fit.json against gammapy 1.0 fitting our stacked dataset from the same start
// (scripts/fixtures/crab_fit_graph.py). gammapy's own chain + fit fails on its dataset: a trial
// step moves the point source off the map and its evaluator never looks at it again (stat
// 82849.6, the one our port reached before the evaluator looked again); on our file gammapy
// finds the minimum. The point-source likelihood has pixel-scale bumps (0.02° bilinear weights),
// so the two minimisers stop at points up to ~0.1 σ apart in position.

interface Reference {
  success: boolean;
  totalStat: number;
  parameters: Array<{ model: string; name: string; value: number; error: number; frozen: boolean }>;
}
const fx = JSON.parse(readFileSync(path.join(repoRoot, "test", "fixtures", "crab_fit_graph.json"), "utf8"));
const reference: Reference = fx.gammapyOnOurs;
const CLI = path.join(repoRoot, "cli", "dist", "src", "gammaflow.js");

function assertNearGammapy(json: { success: boolean; total_stat: number; parameters: Record<string, number[]> }) {
  assert.equal(json.success, true);
  assert.ok(json.total_stat <= reference.totalStat + 0.01, `stat ${json.total_stat} vs gammapy ${reference.totalStat}`);
  for (const p of reference.parameters) {
    if (p.frozen) continue;
    const name = `${p.model}.${p.name}`;
    const [value, error] = json.parameters[name];
    const spatial = p.name === "lon_0" || p.name === "lat_0";
    const pull = Math.abs(value - p.value) / p.error;
    assert.ok(pull <= (spatial ? 0.2 : 0.1), `${name}: ${value} vs ${p.value} (${pull.toFixed(3)} σ)`);
    assert.ok(Math.abs(error / p.error - 1) <= (spatial ? 0.25 : 0.05), `${name} error: ${error} vs ${p.error}`);
  }
}

test("crab-fit graph: the combined chain then the point + power-law fit, as gammapy fits the stack", async () => {
  const out = temp("crab-fit");
  const report = await runGraphFile(path.join(repoRoot, "graphs", "crab-fit.json"), {
    outDir: out,
    logger: new MemoryLogger(),
  });
  assert.deepEqual(report.skipped, []);
  const json = JSON.parse(readFileSync(path.join(out, "fit-result.json"), "utf8"));
  assertNearGammapy(json);
  const yaml = readFileSync(path.join(out, "models.yaml"), "utf8");
  assert.match(yaml, /covariance: models_covariance\.dat/);
  for (const f of ["npred.fits.gz", "residuals.fits.gz", "npred.png", "residuals.png", "models_covariance.dat"])
    assert.ok(readFileSync(path.join(out, f)).length > 0, f);
  // the flux points on "1 TeV..10 TeV/5": edges snapped to the stack's 11 bins, each norm the
  // fitted power law's within its errors (their pixel positions: plugins/fit, cli tests)
  const points = JSON.parse(readFileSync(path.join(out, "flux-points-crab.json"), "utf8"));
  const stackEdges = Array.from({ length: 12 }, (_, k) => 10 ** (k / 11));
  assert.equal(points.table.length, 5);
  for (const row of points.table) {
    assert.ok(
      stackEdges.some((e) => Math.abs(row.e_min / e - 1) < 1e-9),
      `${row.e_min} TeV is one of the stack's edges`,
    );
    assert.equal(row.success, true);
    assert.ok(Math.abs(row.norm - 1) <= 3 * row.norm_err, `norm ${row.norm} ± ${row.norm_err}`);
    assert.ok(row.norm_errn > 0 && row.norm_errp > 0 && row.norm_ul > row.norm && row.ts > 25);
  }
  assert.ok(readFileSync(path.join(out, "spectrum-crab.png")).length > 0);
  // one report entry per file written, each a path that opens
  const fitFiles = report.outputs.filter((o) => o.description.startsWith("fit of"));
  assert.ok(fitFiles.length >= 7, `${fitFiles.length} fit outputs`);
  for (const o of fitFiles) assert.ok(readFileSync(o.path).length > 0, o.path);

  // the command line on the written stack: the same fit, gammapy's parameter table printed
  const stackDir = temp("crab-stack");
  await runGraphFile(path.join(repoRoot, "graphs", "combined-chain.json"), {
    outDir: stackDir,
    logger: new MemoryLogger(),
  });
  const fitDir = temp("crab-cli-fit");
  // from the graph's start models (gammapy's start), written as a models file
  const graph = JSON.parse(readFileSync(path.join(repoRoot, "graphs", "crab-fit.json"), "utf8"));
  const start = graph.nodes.find((n: { id: string }) => n.id === "fit").params.models;
  const models = path.join(fitDir, "start.yaml");
  writeFileSync(models, modelsToYaml(modelsFromDict(start)));
  const run = spawnSync(
    process.execPath,
    [CLI, "fit", path.join(stackDir, "stacked.fits.gz"), "--models", models, "--out", fitDir, "--name", "stacked"],
    { encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /model +type +name +value +unit +error +min +max +frozen/);
  assert.match(run.stdout, /crab +spatial +lon_0 +8\.36\d\de\+01 +deg/);
  assertNearGammapy(JSON.parse(readFileSync(path.join(fitDir, "fit-result.json"), "utf8")));
});

test("gammaflow fit names what it cannot read", () => {
  const run = spawnSync(process.execPath, [CLI, "fit", "nothing.fits.gz", "--models", "x.yaml"], { encoding: "utf8" });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /nothing\.fits\.gz/);
  const usage = spawnSync(process.execPath, [CLI, "fit", "a.fits"], { encoding: "utf8" });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /fit needs --models/);
});

test("an on-off dataset fits with WStat as gammapy fits it (the ring graph's stack, onoff_fit.py)", async () => {
  const ref = JSON.parse(readFileSync(path.join(repoRoot, "test", "fixtures", "onoff_fit.json"), "utf8"));
  const out = temp("ring-fit");
  await runGraphFile(path.join(repoRoot, "graphs", "ring-background.json"), {
    outDir: out,
    logger: new MemoryLogger(),
  });
  const dataset = readDataset(path.join(out, "ring-stacked-on-off.fits.gz"));
  assert.equal(dataset.constructor.name, "MapDatasetOnOff");
  dataset.name = "onoff";
  dataset.models = modelsFromDict(ref.start);
  const result = new Fit().run(new Datasets([dataset]));
  assert.equal(result.success, ref.success, result.message);
  assert.ok(Math.abs(result.totalStat - ref.totalStat) <= 0.01, `${result.totalStat} vs ${ref.totalStat}`);
  for (const want of ref.parameters) {
    if (want.frozen) continue;
    const p = dataset.models!.get("crab").parameters.get(want.name);
    assert.ok(Math.abs(p.value - want.value) <= 0.1 * want.error, `${want.name}: ${p.value} vs ${want.value}`);
    assert.ok(Math.abs(p.error / want.error - 1) <= 0.05, `${want.name} error: ${p.error} vs ${want.error}`);
  }
});
