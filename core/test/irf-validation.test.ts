import { after, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { DataStore } from "../src/index.node.js";
import { toStorePath } from "../src/nodejs/index.js";
import { copyStoreWithEditedRun, type EditableTable } from "../src/nodejs/testing.js";
import { BUNDLED_HESS } from "./fixtures.js";

// Run 23523 with one IRF, GTI or header value spoilt: refused with the file, HDU and column
// named, or (what gammapy 1.0 accepts) loaded with a warning naming the run.
const OBS_ID = 23523;
const RUN_FILE = "data/hess_dl3_dr1_obs_id_023523.fits.gz";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function spoilt(hdu: string, edit: (t: EditableTable) => void) {
  const dir = copyStoreWithEditedRun(BUNDLED_HESS, RUN_FILE, { [hdu]: edit });
  dirs.push(dir);
  return { obs: DataStore.fromDir(toStorePath(dir)).obs(OBS_ID), file: path.join(dir, RUN_FILE) };
}

/** Set cells of a (vector) column: `at` → value; the column becomes doubles. */
function setCells(table: EditableTable, name: string, cells: Record<number, number> | ((v: number) => number)) {
  const column = table.column(name);
  const data = Float64Array.from(column.data as ArrayLike<number>);
  if (typeof cells === "function") data.forEach((v, i) => (data[i] = cells(v)));
  else for (const [at, value] of Object.entries(cells)) data[Number(at)] = value;
  column.data = data;
  column.format = column.format.replace("E", "D");
}

function throwsNaming(read: () => unknown, parts: Array<string | RegExp>): void {
  assert.throws(read, (e: Error) => {
    for (const part of parts) {
      const ok = typeof part === "string" ? e.message.includes(part) : part.test(e.message);
      assert.ok(ok, `'${e.message}' should name ${part}`);
    }
    return true;
  });
}

test("one NaN cell of the effective area loads, as in gammapy 1.0, with a warning naming the run and cell", () => {
  // cell [offset 1][energy 60] as stored: 3.2 TeV at 0.5°
  const { obs, file } = spoilt("AEFF", (t) => setCells(t, "EFFAREA", { [96 + 60]: Number.NaN }));
  assert.equal(obs.aeff.data.filter(Number.isNaN).length, 1);
  assert.equal(obs.loadWarnings.length, 1);
  const [warning] = obs.loadWarnings;
  for (const part of [
    `observation ${OBS_ID} aeff`,
    `${file}[AEFF] column EFFAREA`,
    "1 of 576 values",
    "energy_true bin 60",
  ])
    assert.ok(warning.includes(part), `'${warning}' should name ${part}`);
});

test("an all-NaN or all-zero effective area is an error naming the observation, file, HDU and column", () => {
  const nan = spoilt("AEFF", (t) => setCells(t, "EFFAREA", () => Number.NaN));
  throwsNaming(() => nan.obs.aeff, [`observation ${OBS_ID} aeff`, `${nan.file}[AEFF] column EFFAREA`, "all 576"]);
  const zero = spoilt("AEFF", (t) => setCells(t, "EFFAREA", () => 0));
  throwsNaming(() => zero.obs.aeff, [`${zero.file}[AEFF] column EFFAREA`, "no value is positive"]);
  // an infinite cell is non-finite as NaN is
  const inf = spoilt("BKG", (t) => setCells(t, "BKG", { 7: Number.POSITIVE_INFINITY }));
  assert.ok(inf.obs.bkg);
  assert.match(inf.obs.loadWarnings.join("\n"), /\[BKG\] column BKG: 1 of \d+ values are NaN or infinite/);
});

test("negative IRF values beyond H.E.S.S.'s own small ones are warned about; the real runs give no warning", () => {
  const clean = DataStore.fromDir(toStorePath(BUNDLED_HESS));
  for (const obs of clean.getObservations()) {
    for (const irf of [obs.aeff, obs.edisp, obs.psf, obs.bkg]) assert.ok(irf);
    assert.deepEqual(obs.loadWarnings, [], `run ${obs.obsId}`);
  }
  const { obs, file } = spoilt("PSF", (t) => setCells(t, "RPSF", { 100: -1e9 }));
  assert.ok(obs.psf);
  assert.match(
    obs.loadWarnings.join("\n"),
    new RegExp(`${file.replace(/[.[\]]/g, "\\$&")}\\[PSF\\] column RPSF: 1 values are negative, down to -1000000000`),
  );
});

test("a non-finite or unsorted IRF axis is an error naming the columns and the bad value", () => {
  const nan = spoilt("AEFF", (t) => setCells(t, "ENERG_LO", { 5: Number.NaN }));
  throwsNaming(
    () => nan.obs.aeff,
    [`observation ${OBS_ID} aeff`, "[AEFF] columns ENERG_LO/ENERG_HI", "ENERG_LO[5] = NaN"],
  );
  const unsorted = spoilt("EDISP", (t) => setCells(t, "THETA_LO", { 2: 5 }));
  throwsNaming(() => unsorted.obs.edisp, ["[EDISP] columns THETA_LO/THETA_HI", "sorted"]);
});

// (NaN cannot be written in a FITS header)
for (const deadc of [-1, 0, 5]) {
  test(`DEADC = ${deadc} is an error naming the observation, value and events header`, () => {
    const { obs, file } = spoilt("EVENTS", (t) => t.set("DEADC", deadc));
    throwsNaming(
      () => obs.observationLiveTimeDuration,
      [`observation ${OBS_ID} (${file})`, `DEADC = ${deadc} is not in (0, 1]`, `events header, ${file}[events]`],
    );
  });
}

test("GTI intervals that are not finite or end before they start are errors naming the row", () => {
  const nan = spoilt("GTI", (t) => setCells(t, "START", { 0: Number.NaN }));
  throwsNaming(() => nan.obs.gti, [`observation ${OBS_ID} gti`, `${nan.file}[GTI] row 0: START/STOP`, "NaN"]);
  const inf = spoilt("GTI", (t) => setCells(t, "STOP", { 0: Number.POSITIVE_INFINITY }));
  throwsNaming(() => inf.obs.observationTimeDuration, ["[GTI] row 0", "Infinity", "not finite"]);
  const reversed = spoilt("GTI", (t) => setCells(t, "STOP", (v) => v - 1e6));
  throwsNaming(() => reversed.obs.gti, ["[GTI] row 0", "ends (122892513 s) before it starts (123890826 s)"]);
});

test("an invalid pointing is an error naming the observation and where the value comes from", () => {
  const { obs, file } = spoilt("EVENTS", (t) => t.set("DEC_PNT", 95));
  throwsNaming(() => obs.pointingRadec, [`observation ${OBS_ID} (${file})`, "DEC_PNT = 95 deg", `${file}[events]`]);
});
