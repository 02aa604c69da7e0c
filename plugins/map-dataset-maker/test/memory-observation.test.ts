import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { loadIrfDict, MapAxis, MapDataset, MemoryObservation, SkyCoord, WcsGeom } from "@gammaflow/core";
import { readFits } from "@gammaflow/core/node";
import { MapDatasetMaker } from "../src/index.js";
import { BUNDLED_HESS, DATA, store } from "./stores.js";

const energy = MapAxis.fromEnergyBounds(1, 10, 4, { name: "energy", unit: "TeV" });
const energyTrue = MapAxis.fromEnergyBounds(0.5, 20, 6, { name: "energy_true", unit: "TeV" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 3, binsz: 0.05 });

test("an observation made in memory from a run file's IRFs reduces to the run's own maps, bit for bit", () => {
  const run = store("hess").obs(23523);
  const file = readFits(path.join(BUNDLED_HESS, run.location("aeff")!.fileDir, run.location("aeff")!.fileName));
  const irfs = loadIrfDict(file);
  assert.deepEqual(Object.keys(irfs).sort(), ["aeff", "bkg", "edisp", "psf"]);
  const memory = new MemoryObservation({
    obsId: 23523,
    pointing: run.pointingRadec,
    irfs,
    livetime: run.observationTimeDuration,
    deadtimeFraction: run.observationDeadTimeFraction,
    tstart: run.gti.start[0],
    referenceTime: run.gti.timeRef,
  });
  assert.equal(memory.observationLiveTimeDuration, run.observationLiveTimeDuration);
  const maker = new MapDatasetMaker({ selection: ["exposure", "background", "psf", "edisp"] });
  const empty = () => MapDataset.create(geom, { energyAxisTrue: energyTrue, name: "run" });
  const [ours, theirs] = [maker.run(empty(), memory), maker.run(empty(), run)];
  assert.deepEqual(ours.exposure!.data, theirs.exposure!.data, "exposure");
  assert.deepEqual(ours.background!.data, theirs.background!.data, "background");
  assert.deepEqual(ours.psf!.psfMap.data, theirs.psf!.psfMap.data, "PSF map");
  assert.deepEqual(ours.edisp!.edispMap.data, theirs.edisp!.edispMap.data, "EDisp");
  assert.throws(() => memory.events, /made in memory without events/);
  assert.throws(() => new MemoryObservation({ pointing: run.pointingRadec, irfs, livetime: -1 }), /livetime/);
});

const CALDB = "cta-1dc/caldb/data/cta/1dc/bcf/South_z20_50h/irf_file.fits";
const CALDB_READ = "loadIrfDict reads the CTA 1DC caldb file (HDUCLAS2 + HDUCLAS4 dimension, as load_cta_irfs)";
test(CALDB_READ, DATA.needs(CALDB), () => {
  const caldb = DATA.path(CALDB);
  const irfs = loadIrfDict(readFits(caldb));
  assert.deepEqual(Object.keys(irfs).sort(), ["aeff", "bkg", "edisp", "psf"]);
  assert.deepEqual(
    irfs.aeff!.axes.map((a) => a.name),
    ["energy_true", "offset"],
  );
  assert.equal(irfs.psf!.constructor.name, "EnergyDependentMultiGaussPSF");
  const memory = new MemoryObservation({ pointing: new SkyCoord(0, 0, "galactic"), irfs, livetime: 3600 });
  const dataset = new MapDatasetMaker({ selection: ["exposure", "background"] }).run(
    MapDataset.create(WcsGeom.create({ skydir: [0, 0], frame: "galactic", axes: [energy], width: 2, binsz: 0.1 })),
    memory,
  );
  assert.ok(dataset.exposure!.data.every((v) => v > 0) && dataset.background!.data.every((v) => v > 0));
});
