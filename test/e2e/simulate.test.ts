import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { modelsFromDict, modelsToYaml } from "@gammaflow/core";
import { readDataset } from "@gammaflow/core/node";
import { repoRoot } from "../src/chains.js";
import { temp } from "../src/stores.js";

const CLI = path.join(repoRoot, "cli", "dist", "src", "gammaflow.js");
// gammapy 1.0's fake(random_state=0) on the Crab stack (scripts/fixtures/simulate.py)
const fx = JSON.parse(readFileSync(path.join(repoRoot, "plugins/simulate/test/fixtures/simulate.json"), "utf8"));

test("gammaflow fake writes the dataset with gammapy's counts for the same seed", () => {
  const dir = temp("cli-fake");
  const models = path.join(dir, "models.yaml");
  writeFileSync(models, modelsToYaml(modelsFromDict(fx.crab.models)));
  const input = path.join(repoRoot, "core/test/fixtures/npred_dataset.fits.gz");
  const out = path.join(dir, "faked.fits.gz");
  const run = spawnSync(
    process.execPath,
    [CLI, "fake", input, "--models", models, "--seed", String(fx.crab.seed), "--out", out, "--json"],
    { encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout);
  assert.equal(
    summary.counts,
    fx.crab.counts.reduce((a: number, b: number) => a + b, 0),
  );
  const faked = readDataset(out);
  assert.deepEqual(Array.from(faked.counts.data), fx.crab.counts);
  // the other maps are the input's
  assert.deepEqual(faked.exposure!.data, readDataset(input).exposure!.data);
  const bad = spawnSync(process.execPath, [CLI, "fake", input, "--models", models, "--seed", "1.5", "--out", out], {
    encoding: "utf8",
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--seed must be an integer/);
});
