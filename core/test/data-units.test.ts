import { after, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { SkyCoord } from "../src/coords/index.js";
import type { Observation } from "../src/data/index.js";
import { DataStore } from "../src/index.node.js";
import { MapAxis, WcsGeom, WcsNDMap } from "../src/maps/index.js";
import { toStorePath } from "../src/nodejs/index.js";
import { copyStoreWithEditedRun, type EditableTable } from "../src/nodejs/testing.js";
import { BUNDLED_HESS } from "./fixtures.js";

// Run 23523 rewritten with columns in other units: everything read from it must equal the original.
const OBS_ID = 23523;
const RUN_FILE = "data/hess_dl3_dr1_obs_id_023523.fits.gz";
const original = () => DataStore.fromDir(toStorePath(BUNDLED_HESS)).obs(OBS_ID);

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function edited(edits: Record<string, (t: EditableTable) => void>, obsIndexEdit?: (t: EditableTable) => void) {
  const dir = copyStoreWithEditedRun(BUNDLED_HESS, RUN_FILE, edits, obsIndexEdit);
  dirs.push(dir);
  return DataStore.fromDir(toStorePath(dir));
}

/** Column `name` multiplied by `factor`, as doubles, now in `unit`. */
function rescale(table: EditableTable, name: string, factor: number, unit: string | undefined): void {
  const column = table.column(name);
  column.data = Float64Array.from(column.data as ArrayLike<number>, (v) => v * factor);
  column.format = column.format.replace("E", "D");
  column.unit = unit;
}

/** Counts as the map maker fills them (RA/Dec, ENERGY) on a 2° Crab geometry in 4 energy bins. */
function counts(obs: Observation): Float32Array | Float64Array {
  const energy = MapAxis.fromEnergyBounds(1, 10, 4, { unit: "TeV" });
  const map = WcsNDMap.fromGeom(WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.05, axes: [energy] }));
  const events = obs.events;
  map.fillEvents({
    lon: events.ra,
    lat: events.dec,
    columns: { energy: events.energy },
    float32LonLat: events.radecFloat32,
  });
  return map.data as Float32Array | Float64Array;
}

const total = (data: ArrayLike<number>) => Array.from(data).reduce((a, b) => a + b, 0);
const close = (a: number, b: number, rtol = 1e-12) => Math.abs(a - b) <= rtol * Math.abs(b);

test("EVENTS ENERGY in GeV is read in TeV: the same energies and counts as the original", () => {
  const obs = edited({ EVENTS: (t) => rescale(t, "ENERGY", 1000, "GeV") }).obs(OBS_ID);
  const want = original();
  const [a, b] = [obs.events.energy, want.events.energy];
  assert.ok(
    a.every((v, i) => close(v, b[i])),
    "energies",
  );
  assert.ok(total(counts(want)) > 100);
  assert.deepEqual(counts(obs), counts(want));
  assert.equal(obs.events.selectEnergy(1, 10).length, want.events.selectEnergy(1, 10).length);
});

test("EVENTS RA/DEC in rad are read in deg: the same positions and counts as the original", () => {
  const toRad = Math.PI / 180;
  const obs = edited({
    EVENTS: (t) => {
      rescale(t, "RA", toRad, "rad");
      rescale(t, "DEC", toRad, "rad");
    },
  }).obs(OBS_ID);
  const want = original();
  assert.ok(obs.events.ra.every((v, i) => close(v, want.events.ra[i])));
  assert.ok(obs.events.dec.every((v, i) => close(v, want.events.dec[i])));
  assert.equal(obs.events.radecFloat32, false, "converted values are doubles");
  const [got, expected] = [counts(obs), counts(want)];
  assert.equal(total(got), total(expected));
  const moved = Array.from(got).reduce((n, v, i) => n + Math.abs(v - expected[i]), 0);
  assert.ok(moved <= 2, `${moved} events changed pixel (float32 rounding of the stored degrees)`);
  const crab = new SkyCoord(83.63, 22.01);
  assert.equal(obs.events.selectRegion(crab, 1).length, want.events.selectRegion(crab, 1).length);
});

test("GTI START/STOP in ms and EVENTS TIME by TIMEUNIT: the same times and exposure time as the original", () => {
  const obs = edited({
    GTI: (t) => {
      rescale(t, "START", 1000, "ms");
      rescale(t, "STOP", 1000, "ms");
    },
    EVENTS: (t) => {
      // no TUNIT: TIMEUNIT gives the unit (FITS), here days
      rescale(t, "TIME", 1 / 86400, undefined);
      t.set("TIMEUNIT", "d");
    },
  }).obs(OBS_ID);
  const want = original();
  assert.equal(want.gti.timeSum, 1687);
  assert.ok(close(obs.gti.timeSum, want.gti.timeSum));
  assert.ok(close(obs.gti.start[0], want.gti.start[0]));
  assert.ok(close(obs.observationLiveTimeDuration, want.observationLiveTimeDuration));
  assert.ok(obs.events.time.every((v, i) => close(v, want.events.time[i], 1e-9)));
});

test("GTI without TUNIT takes the TIMEUNIT keyword", () => {
  const obs = edited({
    GTI: (t) => {
      rescale(t, "START", 1 / 60, undefined);
      rescale(t, "STOP", 1 / 60, undefined);
      t.set("TIMEUNIT", "min");
    },
  }).obs(OBS_ID);
  assert.ok(close(obs.gti.timeSum, original().gti.timeSum, 1e-9));
});

test("obs index RA_PNT/DEC_PNT in rad and LIVETIME in min are read in deg and s", () => {
  const store = edited({}, (t) => {
    rescale(t, "RA_PNT", Math.PI / 180, "rad");
    rescale(t, "DEC_PNT", Math.PI / 180, "rad");
    rescale(t, "LIVETIME", 1 / 60, "min");
  });
  const want = DataStore.fromDir(toStorePath(BUNDLED_HESS));
  for (const id of want.obsIds) {
    for (const column of ["RA_PNT", "DEC_PNT", "LIVETIME"]) {
      const [a, b] = [store.obsTable.value(id, column)!, want.obsTable.value(id, column)!];
      assert.ok(close(a, b, 1e-6), `${id} ${column}: ${a} vs ${b}`);
    }
  }
  const crab = new SkyCoord(83.63, 22.01);
  assert.deepEqual(store.obsTable.selectSkyCircle(crab, 1).obsIds, want.obsTable.selectSkyCircle(crab, 1).obsIds);
  assert.equal(want.obsTable.selectSkyCircle(crab, 1).obsIds.length, 2, "a partial selection");
});

test("a unit that does not convert is an error naming the file, HDU, column and unit", () => {
  const store = edited({
    EVENTS: (t) => {
      t.column("ENERGY").unit = "deg";
    },
    GTI: (t) => {
      t.column("STOP").unit = "furlong";
    },
  });
  const file = path.join(store.baseDir, RUN_FILE);
  assert.throws(
    () => store.obs(OBS_ID).events.energy,
    (e: Error) =>
      e.message.includes(`${file}[EVENTS] column ENERGY`) && /unit 'deg' cannot be read as 'TeV'/.test(e.message),
  );
  assert.throws(
    () => store.obs(OBS_ID).gti,
    (e: Error) =>
      e.message.includes(`${file}[GTI] column STOP`) &&
      e.message.includes("'furlong'") &&
      e.message.startsWith(`observation ${OBS_ID} gti`),
  );
});
