// A lone run file (no index files) opens as the data store's observation of it does.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { FitsFile, observationFromRunFile, writeFitsBytes } from "@gammaflow/core";
import { readFits } from "@gammaflow/core/node";
import { DataStore } from "../src/index.node.js";
import { REPO_ROOT } from "./fixtures.js";

const STORE = path.join(REPO_ROOT, "data/hess-dl3-dr1");
const FILE = path.join(STORE, "data/hess_dl3_dr1_obs_id_023523.fits.gz");

test("observationFromRunFile finds the HDUs by class and reads the metadata from the events header", () => {
  const lone = observationFromRunFile(readFits(FILE), FILE);
  const indexed = DataStore.fromDir(STORE).obs(23523);
  assert.equal(lone.obsId, 23523);
  assert.equal(lone.events.length, indexed.events.length);
  assert.equal(lone.observationLiveTimeDuration, indexed.observationLiveTimeDuration);
  const { lon, lat } = indexed.pointingRadec;
  assert.deepEqual([lone.pointingRadec.lon, lone.pointingRadec.lat], [lon, lat]);
  const energy = { energy_true: 1, offset: 0.5 };
  assert.deepEqual(lone.aeff.evaluate(energy), indexed.aeff.evaluate(energy));
  assert.deepEqual(
    [lone.aeff.tag, lone.edisp.tag, lone.psf.tag, lone.bkg.tag],
    [indexed.aeff.tag, indexed.edisp.tag, indexed.psf.tag, indexed.bkg.tag],
  );
});

test("a file without an EVENTS HDU is refused, naming the file", () => {
  const run = readFits(FILE);
  const onlyIrfs = FitsFile.parse(
    writeFitsBytes([
      { kind: "image", data: new Uint8Array(0), shape: [] },
      ...run.hdus.slice(2).map((h) => ({ kind: "copy" as const, hdu: h })),
    ]),
  );
  assert.throws(() => observationFromRunFile(onlyIrfs, "irfs.fits"), /irfs\.fits: no EVENTS HDU/);
});
