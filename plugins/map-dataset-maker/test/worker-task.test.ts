// The reduction in a worker hands the main thread the headers it read, so that the nodes after
// the maker (the safe mask's aeff-default thresholds, the pointing) do not read the run again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DataStore, MapDataset } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { geomFromSpec, MemoryLogger, type ObservationMessage, type PluginContext } from "@gammaflow/pipeline";
import { MapDatasetMaker } from "../src/index.js";
import type { MapDatasetMakerParams } from "../src/plugin.js";
import { reduceInWorker } from "../src/worker-task.js";
import { BUNDLED_HESS } from "./stores.js";

const GEOM = {
  skydir: [83.63, 22.01] as [number, number],
  width: "2 deg",
  binsz: "0.1 deg",
  axes: [{ name: "energy", lo: "1 TeV", hi: "10 TeV", nbin: 3, interp: "log" as const }],
};

test("reduceInWorker: the worker's dataset; the headers it read go to the main thread's observation", async (t) => {
  // the main thread's observation: a store whose run file is gone, so nothing can be read from it
  const copy = mkdtempSync(path.join(tmpdir(), "gf-worker-task-"));
  t.after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(BUNDLED_HESS, copy, { recursive: true });
  rmSync(path.join(copy, "data", "hess_dl3_dr1_obs_id_023523.fits.gz"));
  const observation = DataStore.fromDir(toStorePath(copy)).obs(23523);
  assert.throws(() => observation.header("aeff"), /cannot read file/);

  // the "worker": the task module run in this thread, its result as the pool returns it
  const pool = {
    size: 1,
    run: async <T>(task: { module: string; payload: unknown }) =>
      (await import(task.module)).runTask(task.payload) as T,
    close: async () => {},
  };
  const context = {
    logger: new MemoryLogger(),
    run: { inputs: { geom: GEOM }, outDir: copy, concurrency: 1 },
    services: { workers: pool },
  } as unknown as PluginContext<"workers">;
  const message: ObservationMessage = {
    kind: "observation",
    seq: 0,
    obsId: 23523,
    observation,
    storeDir: toStorePath(BUNDLED_HESS),
  };
  const params: MapDatasetMakerParams = {
    selection: ["counts", "exposure", "background"],
    backgroundInterpMissingData: true,
    backgroundPadOffset: true,
  };
  const dataset = await reduceInWorker(context, message, params);

  const whole = DataStore.fromDir(toStorePath(BUNDLED_HESS)).obs(23523);
  const want = new MapDatasetMaker(params).run(MapDataset.create(geomFromSpec(GEOM), { name: "obs-23523" }), whole);
  assert.deepEqual(dataset.counts.data, want.counts.data);
  assert.deepEqual(dataset.exposure?.data, want.exposure?.data);
  assert.equal(observation.header("aeff").get("LO_THRES"), whole.aeff.meta?.get("LO_THRES"));
  assert.deepEqual(observation.pointingRadec, whole.pointingRadec);
  assert.deepEqual([...observation.knownHeaders().keys()].sort(), ["aeff", "bkg", "events", "gti"]);
});
