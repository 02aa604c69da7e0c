import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type EventColumnData, type Observation, runMetaFromObservation } from "../src/data/index.js";
import { DataStore } from "../src/index.node.js";
import { type Dl3Run, readFits, toStorePath, writeDl3Run, writeFits } from "../src/nodejs/index.js";
import { BUNDLED_HESS, REPO_ROOT } from "./fixtures.js";

const PYTHON = "/usr/bin/python3";
const READ_SCRIPT = path.join(REPO_ROOT, "scripts", "read_dl3_run.py");
const hasGammapy = spawnSync(PYTHON, ["-c", "import gammapy"]).status === 0;
const IRF_TYPES = ["aeff", "edisp", "psf", "bkg"];

const sourceStore = () => DataStore.fromDir(toStorePath(BUNDLED_HESS));
const made: string[] = [];
const tempDir = (label: string) => {
  made.push(mkdtempSync(path.join(tmpdir(), `gammaflow-dl3-${label}-`)));
  return made[made.length - 1];
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const openStore = (dir: string) => DataStore.fromDir(toStorePath(dir));

function pickRows<T extends EventColumnData>(data: T, rows: Int32Array): T {
  const out = new (data.constructor as new (length: number) => T)(rows.length);
  const from = data as unknown as Array<number | bigint>;
  const to = out as unknown as Array<number | bigint>;
  rows.forEach((r, i) => {
    to[i] = from[r];
  });
  return out;
}

/**
 * A run made of every `step`-th event of `source`: its GADF columns as stored (float32 RA, DEC,
 * ENERGY) and, beside them, a true energy and an MC_ID as a sampler writes them.
 */
function runOf(source: Observation, step = 1): Dl3Run {
  const table = source.events.table;
  const rows = Int32Array.from({ length: Math.ceil(table.nrows / step) }, (_, i) => i * step);
  const column = (name: string) => pickRows(table.column(name) as EventColumnData, rows);
  const events: Record<string, EventColumnData> = {};
  for (const name of ["EVENT_ID", "TIME", "RA", "DEC", "ENERGY"]) events[name] = column(name);
  if (step > 1) {
    events.ENERGY_TRUE = Float64Array.from(events.ENERGY as Float32Array);
    events.MC_ID = new Int32Array(rows.length).fill(1);
  }
  return { events, meta: runMetaFromObservation(source), irfsFrom: source };
}

function sameBytes(a: Observation, b: Observation, hduType: string): boolean {
  const [x, y] = [a.hdu(hduType).storedBytes(), b.hdu(hduType).storedBytes()];
  return Buffer.from(x.header).equals(y.header) && Buffer.from(x.data).equals(y.data);
}

test("a run written from run 23523's events reads back through our DataStore: events, GTI, pointing, IRFs", () => {
  const dir = tempDir("one");
  const source = sourceStore().obs(23523);
  const run = runOf(source, 3);
  const written = writeDl3Run(dir, run);
  assert.equal(written.file, path.join(dir, "obs_023523.fits.gz"));
  assert.deepEqual(
    readdirSync(dir).sort(),
    ["hdu-index.fits.gz", "obs-index.fits.gz", "obs_023523.fits.gz"],
    "no temporary file is left",
  );
  const store = openStore(dir);
  assert.deepEqual(store.obsIds, [23523]);
  assert.ok(store.filesPresent(23523));
  const obs = store.obs(23523);
  assert.equal(obs.events.length, 2538);
  for (const [name, data] of Object.entries(run.events)) assert.deepEqual(obs.events.table.column(name), data, name);
  assert.ok(obs.events.radecFloat32, "RA and DEC stay float32");
  assert.deepEqual(
    [obs.gti.start, obs.gti.stop, obs.gti.timeRef],
    [source.gti.start, source.gti.stop, source.gti.timeRef],
  );
  assert.deepEqual(obs.pointingRadec, source.pointingRadec);
  assert.equal(obs.observationLiveTimeDuration, source.observationLiveTimeDuration);
  for (const type of IRF_TYPES) {
    assert.ok(sameBytes(obs, source, type), `${type} HDU copied as stored`);
    assert.equal(obs.location(type)!.hduClass, source.location(type)!.hduClass);
  }
  assert.deepEqual(
    obs.aeff.evaluate({ energy_true: 1, offset: 0.5 }),
    source.aeff.evaluate({ energy_true: 1, offset: 0.5 }),
  );
  assert.equal(obs.psf.tag, "psf_table");
  assert.equal(obs.bkg.tag, "bkg_3d");
  const row = (column: string) => store.obsTable.value(23523, column);
  assert.equal(row("EVENT_COUNT"), 2538);
  assert.equal(row("ONTIME"), 1687);
  assert.equal(row("TSTART"), source.gti.start[0]);
  assert.equal(row("LIVETIME"), source.observationLiveTimeDuration);
  assert.deepEqual([row("ALT_PNT"), row("AZ_PNT"), row("N_TELS")], [41.3897890380338, 22.4817052274739, 4]);
  assert.equal(row("ZEN_PNT"), 90 - 41.3897890380338);
  assert.equal(store.obsTable.text(23523, "OBJECT"), "Crab Nebula");
  assert.deepEqual(
    written.hdus.map((h) => `${h.hduType}:${h.hduClass}:${h.hduName}:${h.size}`),
    // EVENTS: 2538 rows of 40 bytes in 36 blocks, a 3-block header
    ["events:events:EVENTS:112320", "gti:gti:GTI:5760"].concat([
      "aeff:aeff_2d:AEFF:11520",
      "bkg:bkg_3d:BKG:207360",
      "edisp:edisp_2d:EDISP:377280",
      "psf:psf_table:PSF:118080",
    ]),
    "the IRF HDUs' sizes are those H.E.S.S. DR1's index gives",
  );
});

test("two runs written one after the other are both listed; an OBS_ID listed already is refused or replaced", () => {
  const dir = tempDir("two");
  const source = sourceStore();
  writeDl3Run(dir, runOf(source.obs(23523), 2));
  writeDl3Run(dir, runOf(source.obs(23526)), { name: "run_23526" });
  let store = openStore(dir);
  assert.deepEqual(store.obsIds, [23523, 23526]);
  assert.equal(store.hduIndex.rows.length, 12);
  assert.ok(store.filesPresent(23523) && store.filesPresent(23526));
  assert.equal(store.hduIndex.location(23526, "events")!.fileName, "run_23526.fits.gz");
  assert.equal(store.obs(23526).events.length, source.obs(23526).events.length);

  const indexes = () => ["hdu-index.fits.gz", "obs-index.fits.gz"].map((f) => readFileSync(path.join(dir, f)));
  const before = indexes();
  assert.throws(
    () => writeDl3Run(dir, runOf(source.obs(23523)), { name: "again" }),
    new RegExp(
      `${path.join(dir, "hdu-index.fits.gz")} already lists OBS_ID 23523 \\(pass replace: true to replace it\\)`,
    ),
  );
  assert.ok(!existsSync(path.join(dir, "again.fits.gz")), "nothing is written for a refused run");
  assert.deepEqual(indexes(), before);

  writeDl3Run(dir, runOf(source.obs(23523)), { replace: true });
  store = openStore(dir);
  assert.deepEqual(store.obsIds, [23526, 23523], "the replaced run's entry is last");
  assert.equal(store.hduIndex.rows.length, 12);
  assert.equal(store.obsTable.value(23523, "EVENT_COUNT"), 7613);
  assert.equal(store.obs(23523).events.length, 7613);
});

test("a run added to a copy of H.E.S.S. DR1's folder: every index column and row stays, new cells are null", () => {
  const dir = tempDir("hess");
  cpSync(BUNDLED_HESS, dir, { recursive: true });
  const source = sourceStore();
  const run = runOf(source.obs(23523), 5);
  run.meta = { ...run.meta, obsId: 900001 };
  writeDl3Run(dir, run, { fileDir: "data", name: "sim_900001" });
  const before = readFits(path.join(BUNDLED_HESS, "obs-index.fits.gz")).table(1);
  const after = readFits(path.join(dir, "obs-index.fits.gz")).table(1);
  assert.deepEqual(
    after.columns.map((c) => [c.name, c.tform, c.unit]),
    before.columns.map((c) => [c.name, c.tform, c.unit]),
    "H.E.S.S.'s columns, formats and units, and no other",
  );
  for (const c of before.columns) {
    const old = Array.from(before.column(c.name) as ArrayLike<unknown>);
    assert.deepEqual(Array.from(after.column(c.name) as ArrayLike<unknown>).slice(0, 4), old, c.name);
  }
  assert.equal(after.header.get("GEOLON"), "16.5002222222222", "header keywords kept");
  const store = openStore(dir);
  assert.deepEqual(store.obsIds, [23523, 23526, 23559, 23592, 900001]);
  assert.equal(store.obsTable.value(900001, "QUALITY"), undefined, "an integer with no value is TNULL");
  assert.ok(Number.isNaN(store.obsTable.value(900001, "MUONEFF")!), "a float with no value is NaN");
  assert.equal(store.obsTable.text(900001, "TARGET_NAME"), "");
  assert.equal(store.obsTable.value(900001, "RA_PNT"), Math.fround(83.633333333333), "float32 as H.E.S.S. stores it");
  assert.equal(store.obsTable.value(900001, "EVENT_COUNT"), 1523);
  assert.equal(store.hduIndex.location(900001, "aeff")!.fileDir, "data");
  assert.ok(store.filesPresent(900001));
  assert.equal(store.obs(900001).events.length, 1523);
  assert.equal(store.obs(23592).events.length, source.obs(23592).events.length, "the other runs read as before");
  if (hasGammapy) {
    const read = readByGammapy(dir, [900001]);
    assert.deepEqual(read.obsIds, store.obsIds);
    assert.equal(read.runs["900001"].nEvents, 1523);
  }
});

test("an index the writer cannot keep is an error naming it, and the folder stays as it was", () => {
  const dir = tempDir("bad");
  const primary = { kind: "image" as const, data: new Uint8Array(0), shape: [] };
  const columns = [
    { name: "OBS_ID", format: "K", data: BigInt64Array.of(1n) },
    { name: "RA_RANGE", format: "2D", data: Float64Array.of(1, 2) },
  ];
  writeFits(path.join(dir, "obs-index.fits.gz"), [primary, { kind: "bintable", name: "OBS_INDEX", columns }]);
  assert.throws(
    () => writeDl3Run(dir, runOf(sourceStore().obs(23523), 10)),
    /obs-index\.fits\.gz\[OBS_INDEX\]: column 'RA_RANGE' \(2D\) is not a number or text; it cannot be kept/,
  );
  assert.deepEqual(readdirSync(dir), ["obs-index.fits.gz"]);
  assert.throws(
    () => writeDl3Run(dir, runOf(sourceStore().obs(23523), 10), { fileDir: "../elsewhere" }),
    /fileDir '\.\.\/elsewhere' must be a folder inside/,
  );
});

interface GammapyRun {
  nEvents: number;
  columns: string[];
  first: Record<string, number>;
  last: Record<string, number>;
  eventListReadLength: number;
  [key: string]: unknown;
}

function readByGammapy(
  dir: string,
  ids: number[],
): { obsIds: number[]; hduRows: number; runs: Record<string, GammapyRun> } {
  const result = spawnSync(PYTHON, [READ_SCRIPT, dir, ...ids.map(String)], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

test("gammapy 1.0 reads the written runs (DataStore, EventList.read, GTI, IRFs) as it reads the source runs", {
  skip: hasGammapy ? false : `${PYTHON} cannot import gammapy`,
}, () => {
  const dir = tempDir("gammapy");
  const source = sourceStore();
  const runs = [runOf(source.obs(23523), 2), runOf(source.obs(23526))];
  for (const run of runs) writeDl3Run(dir, run);
  const ids = [23523, 23526];
  const written = readByGammapy(dir, ids);
  const original = readByGammapy(BUNDLED_HESS, ids);
  assert.deepEqual(written.obsIds, ids);
  assert.equal(written.hduRows, 12);
  ids.forEach((id, i) => {
    const [w, o] = [written.runs[id], original.runs[id]];
    for (const key of ["gtiStart", "gtiStop", "timeRefMjd", "pointing", "liveTime", "aeff", "edisp", "psf", "bkg"])
      assert.deepEqual(w[key], o[key], `run ${id}: ${key}`);
    const events = runs[i].events;
    const n = events.EVENT_ID.length;
    assert.deepEqual([w.nEvents, w.eventListReadLength], [n, n]);
    assert.deepEqual(w.columns, Object.keys(events));
    for (const [name, value] of Object.entries(w.first)) assert.equal(value, Number(events[name][0]), name);
    for (const [name, value] of Object.entries(w.last)) assert.equal(value, Number(events[name][n - 1]), name);
  });
});
