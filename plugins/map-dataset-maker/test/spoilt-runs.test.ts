import { after, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { DataStore, MapAxis, MapDataset, type Observation, WcsGeom } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { copyStoreWithEditedRun, type EditableTable } from "@gammaflow/core/testing";
import { MapDatasetMaker } from "../src/index.js";
import { BUNDLED_HESS } from "./stores.js";

// Run 23523 rewritten (other units, spoilt IRF cells) and reduced as the map maker does.
const OBS_ID = 23523;
const RUN_FILE = "data/hess_dl3_dr1_obs_id_023523.fits.gz";
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function edited(edits: Record<string, (t: EditableTable) => void>): { obs: Observation; file: string } {
  const dir = copyStoreWithEditedRun(BUNDLED_HESS, RUN_FILE, edits);
  dirs.push(dir);
  return { obs: DataStore.fromDir(toStorePath(dir)).obs(OBS_ID), file: path.join(dir, RUN_FILE) };
}

/** Column `name` with `f` applied, as doubles, in `unit`. */
function mapColumn(table: EditableTable, name: string, f: (v: number, i: number) => number, unit?: string): void {
  const column = table.column(name);
  column.data = Float64Array.from(column.data as ArrayLike<number>, f);
  column.format = column.format.replace("E", "D");
  if (unit !== undefined) column.unit = unit;
}

const energy = MapAxis.fromEnergyBounds(1, 10, 4, { unit: "TeV" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.05, axes: [energy] });

const makerWarningTo = (warnings: string[]) =>
  new MapDatasetMaker({ selection: ["counts", "exposure", "background"], warn: (m) => warnings.push(m) });

function reduce(obs: Observation, maker = makerWarningTo([])): MapDataset {
  return maker.run(MapDataset.create(geom), obs);
}

test("a run with ENERGY in GeV, RA/DEC in rad and GTI in ms reduces to the original run's maps", () => {
  const { obs } = edited({
    EVENTS: (t) => {
      mapColumn(t, "ENERGY", (v) => v * 1000, "GeV");
      mapColumn(t, "RA", (v) => (v * Math.PI) / 180, "rad");
      mapColumn(t, "DEC", (v) => (v * Math.PI) / 180, "rad");
    },
    GTI: (t) => {
      mapColumn(t, "START", (v) => v * 1000, "ms");
      mapColumn(t, "STOP", (v) => v * 1000, "ms");
    },
  });
  const original = reduce(DataStore.fromDir(toStorePath(BUNDLED_HESS)).obs(OBS_ID));
  const ours = reduce(obs);
  assert.ok(original.counts.sum() > 500);
  assert.equal(ours.counts.sum(), original.counts.sum(), "counts");
  const exposure = [ours.exposure!.sum(), original.exposure!.sum()];
  assert.ok(Math.abs(exposure[0] / exposure[1] - 1) < 1e-12, `exposure ${exposure}`);
  const background = [ours.background!.sum(), original.background!.sum()];
  assert.ok(Math.abs(background[0] / background[1] - 1) < 1e-12, `background ${background}`);
});

test("a NaN effective-area cell is reduced as gammapy does; the maker warns once, naming the run and file", () => {
  const { obs, file } = edited({ AEFF: (t) => mapColumn(t, "EFFAREA", (v, i) => (i === 96 + 60 ? Number.NaN : v)) });
  const warnings: string[] = [];
  const maker = makerWarningTo(warnings);
  reduce(obs, maker);
  reduce(obs, maker);
  const load = warnings.filter((w) => w.includes("NaN"));
  assert.equal(load.length, 1, `once: ${warnings.join("\n")}`);
  assert.ok(load[0].startsWith(`observation ${OBS_ID} aeff: ${file}[AEFF] column EFFAREA: 1 of 576`), load[0]);
});

test("an all-NaN effective area makes the reduction fail naming the run, file and column: nothing is stacked", () => {
  const { obs, file } = edited({ AEFF: (t) => mapColumn(t, "EFFAREA", () => Number.NaN) });
  assert.throws(
    () => reduce(obs),
    (e: Error) => e.message.startsWith(`observation ${OBS_ID} aeff: ${file}[AEFF] column EFFAREA: all 576 values`),
  );
});

test("a DEADC of 5 makes the reduction fail naming the run and the value", () => {
  const { obs, file } = edited({ EVENTS: (t) => t.set("DEADC", 5) });
  assert.throws(() => reduce(obs), new RegExp(`observation ${OBS_ID} \\(${file.replace(/\./g, "\\.")}\\): DEADC = 5`));
});
