// The package's entry points: conditional exports ("node" and browser/default), no state set by an import.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { DataStore as NeutralDataStore } from "../src/index.js";
import { DataStore } from "../src/index.node.js";
import * as nodeHelpers from "../src/nodejs/index.js";
import { readFits, toStorePath } from "../src/nodejs/index.js";
import { BUNDLED_HESS, REPO_ROOT } from "./fixtures.js";

const RUN_23592 = path.join(BUNDLED_HESS, "data", "hess_dl3_dr1_obs_id_023592.fits.gz");

test("a fresh Node process importing only DataStore from '@gammaflow/core' reads run 23592 from disk", () => {
  const script = [
    'import { DataStore } from "@gammaflow/core";',
    'const obs = DataStore.fromDir("data/hess-dl3-dr1").obs(23592);',
    "console.log(JSON.stringify({ events: obs.events.length, livetime: obs.observationLiveTimeDuration }));",
  ].join("\n");
  // cwd at the repository root: "@gammaflow/core" resolves through the workspace link, as for a user.
  const args = ["--input-type=module", "-e", script];
  const output = execFileSync(process.execPath, args, { cwd: REPO_ROOT, encoding: "utf8" });
  const child = JSON.parse(output) as { events: number; livetime: number };
  assert.equal(child.events, readFits(RUN_23592).table("EVENTS").nrows);
  assert.equal(child.livetime, DataStore.fromDir(toStorePath(BUNDLED_HESS)).obs(23592).observationLiveTimeDuration);
});

test("the neutral entry's DataStore has no file access: fromDir says to pass { files } or use fromUrl", () => {
  // This process imported '@gammaflow/core/node' above: importing it must not have registered anything.
  assert.ok(nodeHelpers.nodeFiles);
  assert.throws(
    () => NeutralDataStore.fromDir(toStorePath(BUNDLED_HESS)),
    (error: Error) => {
      assert.match(error.message, /no file access: pass \{ files \}/);
      assert.match(error.message, /DataStore\.fromUrl/);
      return true;
    },
  );
  const store = NeutralDataStore.fromDir(toStorePath(BUNDLED_HESS), { files: nodeHelpers.nodeFiles });
  assert.equal(store.obs(23592).events.length, readFits(RUN_23592).table("EVENTS").nrows);
});

test("the Node entry's DataStore defaults to node:fs; its stores are instances of the neutral DataStore", async () => {
  const store: DataStore = DataStore.fromDir(toStorePath(BUNDLED_HESS));
  assert.ok(store instanceof DataStore);
  assert.ok(store instanceof NeutralDataStore);
  assert.deepEqual(store.obsIds, [23523, 23526, 23559, 23592]);
  await store.prefetch([23592]); // nothing to fetch through node:fs
  const entry = await import("@gammaflow/core");
  assert.equal(entry.DataStore, DataStore, "'@gammaflow/core' resolves to the Node entry in Node");
  assert.equal(entry.MapAxis, (await import("../src/index.js")).MapAxis, "one module graph under both entries");
});

test("core/node has the file helpers, svgToPng, the sampling thread; test helpers '…/testing'", async () => {
  const names = [
    "readFits",
    "readFitsHeader",
    "writeFits",
    "readMap",
    "writeMap",
    "writeDataset",
    "readDataset",
    "nodeFiles",
  ];
  assert.deepEqual(
    Object.keys(nodeHelpers).sort(),
    [
      ...names,
      "toStorePath",
      "realPath",
      "gammapyDataDir",
      "writeDatasets",
      "readDatasets",
      "writeDl3Run",
      "writeFitsFileBytes",
      "writeFitsAsync",
      "writeDatasetAsync",
      "maxFitsBytes",
      "writeFileAtomic",
      "writeFileAtomicAsync",
      "atomicWritesSettled",
      "removeStaleTemporaries",
      "eventSamplingThread",
      "rasterizeSvg",
      "rasterizeSvgAsync",
      "svgToPng",
      "svgToPngAsync",
    ].sort(),
  );
  const testing = await import("@gammaflow/core/testing");
  assert.deepEqual(Object.keys(testing).sort(), [
    "TestData",
    "assertMapClose",
    "copyFitsWithEdits",
    "copyStoreInChunks",
    "copyStoreWithEditedRun",
    "filledDataset",
    "planeSums",
    "sampleMap",
  ]);
  const saved = process.env.GAMMAPY_DATA;
  try {
    delete process.env.GAMMAPY_DATA;
    assert.equal(nodeHelpers.gammapyDataDir(REPO_ROOT), path.resolve(REPO_ROOT, "../shared/gammapy-data"));
    process.env.GAMMAPY_DATA = "/somewhere/gammapy-data";
    assert.equal(nodeHelpers.gammapyDataDir(REPO_ROOT), "/somewhere/gammapy-data");
  } finally {
    if (saved === undefined) delete process.env.GAMMAPY_DATA;
    else process.env.GAMMAPY_DATA = saved;
  }
});

test("package.json: conditional exports with types, and no side effects", () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "core", "package.json"), "utf8"));
  assert.equal(pkg.sideEffects, false);
  const main = pkg.exports["."];
  assert.deepEqual(main.node, { types: "./dist/src/index.node.d.ts", default: "./dist/src/index.node.js" });
  assert.deepEqual(main.default, { types: "./dist/src/index.d.ts", default: "./dist/src/index.js" });
  assert.deepEqual(main.browser, main.default);
  for (const dep of ["rxjs", "ajv", "inversify", "piscina"]) assert.equal(pkg.dependencies[dep], undefined, dep);
});
