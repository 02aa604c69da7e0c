import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DataStore, type EventColumnData, MapAxis, MapDataset, runMetaFromObservation, WcsGeom } from "@gammaflow/core";
import { toStorePath, writeDl3Run } from "@gammaflow/core/node";
import { MapDatasetMaker } from "../src/index.js";
import { BUNDLED_HESS } from "./stores.js";

test("a run written with writeDl3Run from run 23523's events reduces to the original run's maps", (t) => {
  const source = DataStore.fromDir(toStorePath(BUNDLED_HESS)).obs(23523);
  const table = source.events.table;
  const events: Record<string, EventColumnData> = {};
  for (const name of ["EVENT_ID", "TIME", "RA", "DEC", "ENERGY"]) events[name] = table.column(name) as EventColumnData;
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-dl3-reduce-"));
  writeDl3Run(dir, { events, meta: runMetaFromObservation(source), irfsFrom: source });
  const written = DataStore.fromDir(toStorePath(dir)).obs(23523);
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 5, binsz: 0.02 });
  const reduce = (obs: typeof source) => new MapDatasetMaker().run(MapDataset.create(geom), obs);
  const [ours, original] = [reduce(written), reduce(source)];
  assert.ok(original.counts.sum() > 1000);
  assert.deepEqual(ours.counts.data, original.counts.data, "the same counts in every bin");
  assert.deepEqual(ours.exposure!.data, original.exposure!.data, "the same exposure");
  assert.deepEqual(ours.background!.data, original.background!.data, "the same background");
});
