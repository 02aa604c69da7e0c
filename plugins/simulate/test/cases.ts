import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadIrfDict, MapAxis, modelsFromDict, SkyCoord, WcsGeom } from "@gammaflow/core";
import { readFits } from "@gammaflow/core/node";
import { TestData } from "@gammaflow/core/testing";
import { simulateDataset } from "../src/index.js";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
/** gammapy 1.0's numbers (scripts/fixtures/simulate.py). */
export const fx = JSON.parse(readFileSync(path.join(REPO, "plugins/simulate/test/fixtures/simulate.json"), "utf8"));
const DATA = new TestData(REPO);
const CALDB_FILE = "cta-1dc/caldb/data/cta/1dc/bcf/South_z20_50h/irf_file.fits";
/** CTA 1DC's IRF file, from $GAMMAPY_DATA (default ../shared/gammapy-data beside the repo). */
export const CALDB = DATA.path(CALDB_FILE);
/** node:test options of a test reading CALDB: skipped, saying what to set, without gammapy's data. */
export const NEEDS_CALDB = DATA.needs(CALDB_FILE);
/** v0.15's simulate_dataset test case (spec 06 §10), as scripts/fixtures/simulate.py builds it. */
export function simulatedCase() {
  const edges = Float64Array.from({ length: 20 }, (_, i) => 10 ** (-1 + (2 * i) / 19));
  const energy = MapAxis.fromEdges(edges, { name: "energy", unit: "TeV", interp: "log" });
  const geom = WcsGeom.create({ skydir: [0, 0], binsz: 0.025, width: 1, frame: "galactic", axes: [energy] });
  const irfs = loadIrfDict(readFits(CALDB));
  const models = modelsFromDict(fx.simulated.models);
  return simulateDataset(models, geom, new SkyCoord(0, 0, "galactic"), irfs, { livetime: "10 h", offset: 1 });
}
