import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SkyCoord } from "../src/coords/index.js";
import { GTI, timeRefMjd } from "../src/data/index.js";
import { DataStore } from "../src/index.node.js";
import { toStorePath, writeFits } from "../src/nodejs/index.js";
import { BUNDLED_HESS, DATA, readFixture } from "./fixtures.js";

const fx = readFixture("data_store.json");
const stores: Record<string, () => DataStore> = {
  bundled: () => DataStore.fromDir(toStorePath(BUNDLED_HESS)),
  "hess-dl3-dr1": () => DataStore.fromDir(toStorePath(DATA.path("hess-dl3-dr1"))),
  "cta-1dc": () => DataStore.fromDir(toStorePath(DATA.path("cta-1dc/index/gps")), { root: "../.." }),
};
/** node:test options of a test reading a store: the full ones skip without gammapy's data. */
const needs: Record<string, { skip: string | false }> = {
  bundled: { skip: false },
  "hess-dl3-dr1": DATA.needs("hess-dl3-dr1"),
  "cta-1dc": DATA.needs("cta-1dc"),
};

const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

for (const run of fx.runs) {
  const name = `${run.store} observation ${run.obsId}: events, GTI, times and pointing equal gammapy 1.0`;
  test(name, needs[run.store], () => {
    const obs = stores[run.store]().obs(run.obsId);
    const events = obs.events;
    assert.equal(events.length, run.nEvents);
    if (run.eventCount !== null) assert.equal(events.length, run.eventCount, "EVENT_COUNT of the obs index");
    assert.deepEqual(
      [...obs.gti.start].map((v, i) => close(v, run.gtiStart[i], 1e-9)),
      run.gtiStart.map(() => true),
    );
    assert.deepEqual(
      [...obs.gti.stop].map((v, i) => close(v, run.gtiStop[i], 1e-9)),
      run.gtiStop.map(() => true),
    );
    assert.ok(close(timeRefMjd(obs.gti.timeRef), run.timeRefMjd, 1e-12));
    assert.ok(close(obs.observationTimeDuration, run.observationTime, 1e-12));
    assert.ok(
      close(obs.observationLiveTimeDuration, run.liveTime, 1e-12),
      `${obs.observationLiveTimeDuration} vs ${run.liveTime}`,
    );
    assert.ok(close(obs.observationDeadTimeFraction, run.deadTimeFraction, 1e-12));
    assert.deepEqual([obs.pointingRadec.lon, obs.pointingRadec.lat], run.pointing);
    if (run.altaz) assert.deepEqual([obs.pointingAltaz!.alt, obs.pointingAltaz!.az], run.altaz);
    for (const c of ["RA", "DEC", "ENERGY", "TIME"]) {
      const values = events.column(c);
      assert.equal(values[0], run.firstEvent[c], `first ${c}`);
      assert.equal(values[values.length - 1], run.lastEvent[c], `last ${c}`);
    }
    assert.equal(events.selectEnergy(1, 10).length, run.energyBetween1And10);
    assert.equal(events.selectRegion(new SkyCoord(83.63, 22.01), 1).length, run.within1DegOfCrab);
  });
}

const allRuns = "every H.E.S.S. DR1 run loads (events with as many rows as EVENT_COUNT, GTI, all four IRFs)";
test(allRuns, needs["hess-dl3-dr1"], () => {
  const store = stores["hess-dl3-dr1"]();
  assert.equal(store.obsIds.length, 105);
  for (const obs of store.getObservations()) {
    assert.equal(obs.events.length, store.obsTable.value(obs.obsId, "EVENT_COUNT"), `run ${obs.obsId}`);
    assert.ok(obs.observationLiveTimeDuration > 0);
    const tags = [obs.aeff.tag, obs.edisp.tag, obs.psf.tag, obs.bkg.tag];
    assert.deepEqual(tags, ["aeff_2d", "edisp_2d", "psf_table", "bkg_3d"], `run ${obs.obsId}`);
    const area = obs.aeff.evaluate({ energy_true: 1, offset: 0.5 })[0];
    assert.ok(area > 1e4 && area < 1e6, `run ${obs.obsId}: aeff(1 TeV, 0.5°) = ${area} m²`);
  }
});

test("observation table selections equal gammapy's", needs["hess-dl3-dr1"], () => {
  const table = stores["hess-dl3-dr1"]().obsTable;
  assert.deepEqual(table.obsIds, fx.selections.allIds);
  assert.deepEqual(table.selectTargetName("PKS 2155-304").obsIds, fx.selections.pks2155);
  assert.deepEqual(table.selectSkyCircle(new SkyCoord(83.633, 22.014), 2).obsIds, fx.selections.within2DegOfCrab);
  assert.deepEqual(table.selectObsIds([23592, 23523, 1]).obsIds, [23523, 23592]);
});

test("a missing observation is an error, or skipped and reported", () => {
  const store = stores.bundled();
  assert.throws(() => store.obs(20136), /observation 20136 is not in the observation index/);
  assert.throws(() => store.getObservations([23523, 20136]), /20136/);
  const obs = store.getObservations([23523, 20136, 23592], { skipMissing: true });
  assert.deepEqual(
    obs.map((o) => o.obsId),
    [23523, 23592],
  );
  assert.equal(obs.skipped.length, 1);
  assert.equal(obs.skipped[0].obsId, 20136);
  assert.match(obs.skipped[0].reason, /not in the observation index/);
  assert.equal(obs.byId(23592)?.obsId, 23592);
});

test("index paths leading outside the store are refused unless allowed", needs["cta-1dc"], () => {
  const dir = toStorePath(DATA.path("cta-1dc/index/gps"));
  const confined = DataStore.fromDir(dir);
  assert.throws(() => confined.obs(110380).events, /leads outside/);
  assert.equal(DataStore.fromDir(dir, { allowAnyPath: true }).obs(110380).events.length, 106217);
});

test("absolute index paths are refused; $VARS expand; missing index files are named", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-store-"));
  const hduIndex = (fileDir: string) => [
    { kind: "image" as const, data: new Float32Array(0), shape: [] },
    {
      kind: "bintable" as const,
      name: "HDU_INDEX",
      columns: [
        { name: "OBS_ID", format: "K", data: new BigInt64Array([23523n, 23523n]) },
        { name: "HDU_TYPE", format: "6A", data: ["events", "gti"] },
        { name: "HDU_CLASS", format: "6A", data: ["events", "gti"] },
        { name: "FILE_DIR", format: "80A", data: [fileDir, fileDir] },
        {
          name: "FILE_NAME",
          format: "40A",
          data: ["hess_dl3_dr1_obs_id_023523.fits.gz", "hess_dl3_dr1_obs_id_023523.fits.gz"],
        },
        { name: "HDU_NAME", format: "6A", data: ["EVENTS", "GTI"] },
      ],
    },
  ];
  const obsIndex = [
    { kind: "image" as const, data: new Float32Array(0), shape: [] },
    {
      kind: "bintable" as const,
      name: "OBS_INDEX",
      columns: [
        { name: "OBS_ID", format: "K", data: new BigInt64Array([23523n]) },
        { name: "DEADC", format: "D", data: [0.5] },
      ],
    },
  ];
  const dataDir = toStorePath(path.join(BUNDLED_HESS, "data"));
  mkdirSync(path.join(dir, "abs"));
  writeFits(path.join(dir, "abs", "hdu-index.fits.gz"), hduIndex(dataDir));
  writeFits(path.join(dir, "abs", "obs-index.fits.gz"), obsIndex);
  const abs = DataStore.fromDir(toStorePath(path.join(dir, "abs")));
  assert.throws(() => abs.obs(23523).events, /absolute path .* is refused/);
  assert.equal(
    DataStore.fromDir(toStorePath(path.join(dir, "abs")), { allowAnyPath: true }).obs(23523).events.length,
    7613,
  );

  mkdirSync(path.join(dir, "vars"));
  writeFits(path.join(dir, "vars", "hdu-index.fits.gz"), hduIndex("$GAMMAFLOW_TEST_DIR"));
  writeFits(path.join(dir, "vars", "obs-index.fits.gz"), obsIndex);
  process.env.GAMMAFLOW_TEST_DIR = dataDir;
  const vars = DataStore.fromDir(toStorePath(path.join(dir, "vars")), { allowAnyPath: true });
  const obs = vars.obs(23523);
  assert.equal(obs.events.length, 7613);
  // The events header's DEADC overrides the obs index's (gammapy 1.0's obs_info).
  assert.equal(obs.deadc, obs.events.header.get("DEADC"));
  assert.notEqual(obs.deadc, 0.5);
  delete process.env.GAMMAFLOW_TEST_DIR;
  assert.throws(
    () => DataStore.fromDir(toStorePath(path.join(dir, "vars"))).obs(23523).events,
    /\$GAMMAFLOW_TEST_DIR is not set/,
  );

  assert.throws(
    () => DataStore.fromDir(toStorePath(path.join(dir, "nothing"))),
    /index file not found .*hdu-index\.fits\.gz/,
  );
});

test("GTI create, stack, union and time selection", () => {
  const a = GTI.create([0, 100, 50], [60, 200, 80], 55000);
  assert.equal(a.timeSum, 60 + 100 + 30);
  const u = a.union();
  assert.deepEqual([...u.start], [0, 100]);
  assert.deepEqual([...u.stop], [80, 200]);
  const touching = GTI.create([0, 10], [10, 20]).union();
  assert.equal(touching.length, 2, "touching intervals stay separate (gammapy v0.15)");
  const b = GTI.create([0], [10], 55001);
  const s = a.stack(b);
  assert.deepEqual([...s.start.slice(3)], [86400]);
  assert.deepEqual([...a.selectTime(55, 150).start], [55, 100, 55]);
  assert.deepEqual([...a.selectTime(55, 150).stop], [60, 150, 80]);
  assert.throws(() => GTI.create([], []).union(), /empty/);
});
