import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  DataStore,
  loadIrfDict,
  MapAxis,
  MapDataset,
  modelsFromDict,
  modelsToYaml,
  SkyCoord,
  WcsGeom,
} from "@gammaflow/core";
import { readDataset, readFits, toStorePath } from "@gammaflow/core/node";
import { simulateDataset } from "@gammaflow/simulate";
import { MapDatasetMaker } from "@gammaflow/map-dataset-maker";
import { type DatasetMessage, type FileMessage, MemoryLogger } from "@gammaflow/pipeline";
import { runGraphFile } from "@gammaflow/cli";
import { repoRoot } from "../src/chains.js";
import { finalStack } from "../src/graph-checks.js";
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

const PYTHON = "/usr/bin/python3";
const hasGammapy = spawnSync(PYTHON, ["-c", "import gammapy"]).status === 0;

test("gammaflow sample-events writes a DL3 run that our DataStore and gammapy read, and that reduces", {
  skip: hasGammapy ? false : `${PYTHON} cannot import gammapy`,
}, () => {
  const dir = temp("cli-sample-events");
  const sampler = JSON.parse(
    readFileSync(path.join(repoRoot, "plugins/simulate/test/fixtures/event_sampler.json"), "utf8"),
  );
  const models = path.join(dir, "models.yaml");
  writeFileSync(models, modelsToYaml(modelsFromDict(sampler.models)));
  const input = path.join(repoRoot, "core/test/fixtures/npred_dataset.fits.gz");
  const store = path.join(dir, "store");
  const args = ["--models", models, "--obs-id", "23523", "--data-store", path.join(repoRoot, "data/hess-dl3-dr1")];
  const run = spawnSync(
    process.execPath,
    [CLI, "sample-events", input, ...args, "--name", "crab", "--seed", "5", "--out", store, "--json"],
    { encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout);
  assert.ok(summary.events > 500, `${summary.events} events`);
  assert.deepEqual(
    summary.perModel.map((m: { name: string }) => m.name),
    ["crab-bkg", "point"],
  );
  // ours
  const obs = DataStore.fromDir(toStorePath(store)).obs(23523);
  assert.equal(obs.events.length, summary.events);
  assert.deepEqual(Array.from(obs.events.column("MC_ID")).filter((id) => id === 1).length, summary.perModel[1].events);
  // gammapy's
  const read = spawnSync(PYTHON, [path.join(repoRoot, "scripts/read_dl3_run.py"), store, "23523"], {
    encoding: "utf8",
  });
  assert.equal(read.status, 0, read.stderr);
  const gammapy = JSON.parse(read.stdout).runs["23523"];
  assert.equal(gammapy.nEvents, summary.events);
  assert.equal(gammapy.eventListReadLength, summary.events);
  assert.deepEqual(gammapy.pointing, [obs.pointingRadec.lon, obs.pointingRadec.lat]);
  // the reduction chain runs on it: every sampled event inside the geometry is counted
  const dataset = readDataset(input);
  const reduced = new MapDatasetMaker({ selection: ["counts"] }).run(MapDataset.create(dataset.counts.geom), obs);
  assert.equal(reduced.counts.sum(), summary.events);
});

test("the streaming loop: one graph samples runs into a folder while the watch-folder graph reduces them", async () => {
  const simulated = temp("loop-simulate");
  const logger = new MemoryLogger();
  // the watching graph first: it sees the runs arrive one by one
  const watching = runGraphFile(path.join(repoRoot, "graphs", "watch-folder.json"), {
    outDir: temp("loop-watch"),
    logger,
    sets: [
      `incoming.folder=${path.join(simulated, "incoming")}`,
      "incoming.idleTimeout=8 s",
      "incoming.pollInterval=0.05 s",
    ],
  });
  const simulating = await runGraphFile(path.join(repoRoot, "graphs", "simulate-runs.json"), {
    outDir: simulated,
    logger: new MemoryLogger(),
  });
  assert.deepEqual(simulating.skipped, []);
  const sampledEvents = simulating.results
    .filter((m): m is FileMessage => m.kind === "file")
    .map((m) => Number(/(\d+) events sampled/.exec(m.description)?.[1]));
  assert.equal(sampledEvents.length, 4);
  const report = await watching;
  const stack = finalStack(report);
  assert.deepEqual([...stack.obsIds].sort(), [23523, 23526, 23559, 23592], "every simulated run once");
  assert.deepEqual(report.skipped, []);
  // the sampled events are in the stack's geometry; the safe masks keep a part of them
  const counts = stack.dataset.counts.sum();
  const total = sampledEvents.reduce((a, b) => a + b, 0);
  assert.ok(counts > 0.5 * total && counts <= total, `${counts} of ${total} sampled events stacked`);
});

test("the simulate-dataset node emits datasets faked as simulateDataset + fake with the same seeds", async () => {
  const dir = temp("sim-node");
  const irfs = path.join(repoRoot, "data/hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz");
  const point = JSON.parse(
    readFileSync(path.join(repoRoot, "plugins/simulate/test/fixtures/event_sampler.json"), "utf8"),
  ).models.components[0];
  const graph = {
    name: "simulate-datasets",
    inputs: {
      geom: {
        skydir: [83.63, 22.01],
        width: "2 deg",
        binsz: "0.05 deg",
        axes: [{ name: "energy", lo: "1 TeV", hi: "10 TeV", nbin: 4, interp: "log" }],
      },
    },
    nodes: [
      {
        id: "sim",
        plugin: "simulate-dataset",
        params: {
          models: { components: [point] },
          irfs,
          pointing: [83.63, 22.51],
          livetime: "30 min",
          count: 2,
          seed: 7,
        },
      },
    ],
  };
  const file = path.join(dir, "graph.json");
  writeFileSync(file, JSON.stringify(graph));
  const report = await runGraphFile(file, { outDir: dir, logger: new MemoryLogger() });
  const datasets = report.results.filter((m): m is DatasetMessage => m.kind === "dataset").map((m) => m.dataset);
  assert.deepEqual(
    datasets.map((d) => d.name),
    ["sim-1", "sim-2"],
  );
  const energy = MapAxis.fromEnergyBounds(1, 10, 4, { name: "energy", unit: "TeV" });
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.05, axes: [energy] });
  const direct = simulateDataset(
    modelsFromDict({ components: [point] }),
    geom,
    new SkyCoord(83.63, 22.51),
    loadIrfDict(readFits(irfs)),
    { livetime: 1800, offset: 1 },
  );
  direct.fake(8);
  assert.ok(direct.counts.sum() > 100);
  assert.deepEqual(datasets[1].counts.data, direct.counts.data);
});
