import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, truncateSync } from "node:fs";
import path from "node:path";
import { DataStore, MapAxis, MapDataset, MemoryLogger, WcsGeom } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { MapDatasetMaker } from "@gammaflow/map-dataset-maker";
import { runGraphFile } from "@gammaflow/cli";
import { assertSameMaps, classApiStack, finalStack } from "../src/graph-checks.js";
import { repoRoot } from "../src/chains.js";
import { BUNDLED_STORE, copyRun, temp, writeIndexFor } from "../src/stores.js";

const COMBINED = path.join(repoRoot, "graphs", "combined-chain.json");
const CLI = path.join(repoRoot, "cli", "dist", "src", "gammaflow.js");

test("the combined-chain graph gives exactly the class API's stack, in process and with 2 workers", async () => {
  const want = classApiStack(BUNDLED_STORE, [23523, 23592, 23526, 23559]);
  for (const workers of [0, 2]) {
    const report = await runGraphFile(COMBINED, { outDir: temp("combined"), workers, logger: new MemoryLogger() });
    assert.deepEqual(report.used, [23523, 23526, 23559, 23592]);
    assert.deepEqual(report.skipped, []);
    assert.deepEqual(report.outputs.map((o) => path.basename(o.path.split(", ")[0])).sort(), ["stacked-counts.png", "stacked.fits.gz"]);
    const png = readFileSync(report.outputs.find((o) => o.path.includes(".png"))!.path.split(", ")[1]);
    assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(""), "PNG", "the background preview is a PNG");
    assertSameMaps(finalStack(report).dataset, want);
  }
});

test("a corrupted run is reported with its obs id and cause and skipped; the stack equals the other runs' stack", async () => {
  const dir = temp("corrupt");
  writeIndexFor(dir, [23523, 23592, 23526]);
  for (const id of [23523, 23526]) copyRun(dir, id);
  const broken = copyRun(dir, 23592);
  truncateSync(broken, 200_000);
  const logger = new MemoryLogger();
  const report = await runGraphFile(COMBINED, { outDir: temp("corrupt-out"), logger, sets: [`inputs.dataStore=${dir}`, "runs.obsIds=[23523,23592,23526]"] });
  assert.equal(report.skipped.length, 1);
  assert.equal(report.skipped[0].obsId, 23592);
  assert.ok(["cutout", "maker"].includes(report.skipped[0].node), report.skipped[0].node);
  assert.match(report.skipped[0].reason, /hess_dl3_dr1_obs_id_023592\.fits\.gz/);
  assert.deepEqual(report.used, [23523, 23526]);
  assertSameMaps(finalStack(report).dataset, classApiStack(dir, [23523, 23526]));
});

test("the watching source: runs copied into the folder during the run all end up in the stack, each once", async () => {
  const dir = temp("watch");
  const arrivals = [23523, 23526, 23559];
  const logger = new MemoryLogger();
  const running = runGraphFile(path.join(repoRoot, "graphs", "watch-folder.json"), {
    outDir: temp("watch-out"),
    logger,
    sets: [`incoming.folder=${dir}`, "incoming.idleTimeout=5 s", "incoming.pollInterval=0.05 s"],
  });
  const arrived: number[] = [];
  for (const id of arrivals) {
    await new Promise((r) => setTimeout(r, 250));
    copyRun(dir, id); // the data file first, then the index entry, as a telescope's writer would
    arrived.push(id);
    writeIndexFor(dir, arrived);
  }
  const report = await running;
  const stack = finalStack(report);
  assert.deepEqual([...stack.obsIds].sort(), [...arrivals].sort(), "every run once");
  assert.deepEqual(report.skipped, []);
  assertSameMaps(stack.dataset, classApiStack(dir, stack.obsIds));
  assert.ok(logger.lines.some((l) => /incoming: 1 new run \(23523\)/.test(l.message)));
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: repoRoot });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("every documentation graph runs with the CLI; --json reports what was used", { timeout: 300_000 }, () => {
  const out = temp("cli");
  const empty = cli(["run", "graphs/empty-dataset.json", "--out", out, "--json"]);
  assert.equal(empty.code, 0, empty.err);
  const emptyLog = JSON.parse(empty.out).log.map((l: { message: string }) => l.message).join("\n");
  assert.match(emptyLog, /Total counts\s+: 0/);
  assert.match(emptyLog, /Number of total bins\s+: 2851200/);
  const trueEnergy = cli(["run", "graphs/empty-dataset-true-energy.json", "--out", out]);
  assert.equal(trueEnergy.code, 0, trueEnergy.err);
  assert.match(trueEnergy.out, /MapDataset/);
  // The documentation's stacking example: MapDatasetMaker on the whole geometry, no safe mask.
  const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
  const stacked = MapDataset.create(WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 5, binsz: 0.02 }));
  stacked.stack(new MapDatasetMaker().run(stacked, DataStore.fromDir(toStorePath(BUNDLED_STORE)).obs(23592)));
  for (const graph of ["run-23592", "safe-mask", "stacking"]) {
    const r = cli(["run", `graphs/${graph}.json`, "--out", out, "--json"]);
    assert.equal(r.code, 0, `${graph}: ${r.err}`);
    const report = JSON.parse(r.out);
    assert.deepEqual(report.used, [23592], graph);
    const log = report.log.map((l: { message: string }) => l.message).join("\n");
    if (graph === "safe-mask") assert.match(log, /WcsNDMap/);
    else assert.match(log, new RegExp(`Total counts\\s+: ${graph === "stacking" ? stacked.counts.sum() : "\\d+"}`));
  }
  const combined = cli(["run", "graphs/combined-chain.json", "--out", out]);
  assert.equal(combined.code, 0, combined.err);
  assert.match(combined.out, /used 4 observations: 23523, 23526, 23559, 23592/);
  const info = cli(["info", path.join(out, "stacked.fits.gz"), "--json"]);
  assert.equal(JSON.parse(info.out).counts, classApiStack(BUNDLED_STORE, [23523, 23592, 23526, 23559]).counts.sum());
});

test("the CLI refuses a bad graph before reading data, naming the JSON path, and lists the plugins", () => {
  const bad = cli(["validate", "graphs/combined-chain.json", "--set", "safe.offsetMax=3 TeV", "--set", "safe.methods=[\"aeff-maximum\"]"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /\/nodes\/3\/params\/offsetMax: must be a quantity in deg/);
  assert.match(bad.err, /\/nodes\/3\/params\/methods\/0: must be equal to one of the allowed values/);
  const plugins = JSON.parse(cli(["plugins", "--json"]).out) as Array<{ name: string }>;
  for (const name of ["datastore-source", "watch-source", "cutout", "map-dataset-maker", "safe-mask", "fov-background", "stacker", "to-image", "dataset-writer", "summary", "dataset-create"]) {
    assert.ok(plugins.some((p) => p.name === name), name);
  }
  const text = cli(["plugins"]).out;
  assert.match(text, /safe-mask 0\.1\.0 {2}\(dataset → dataset\)/);
  const readme = readFileSync(path.join(repoRoot, "graphs", "README.md"), "utf8");
  for (const g of ["empty-dataset", "run-23592", "safe-mask", "stacking", "combined-chain", "watch-folder"]) assert.match(readme, new RegExp(g));
});
