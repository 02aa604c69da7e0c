import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadIrfDict, MapAxis, modelsFromDict, SkyCoord, WcsGeom } from "@gammaflow/core";
import { gammapyDataDir, readFits } from "@gammaflow/core/node";
import { simulateDataset } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../../..");
export const fx = JSON.parse(readFileSync(path.join(repo, "plugins/simulate/test/fixtures/simulate.json"), "utf8"));
const caldb = path.join(gammapyDataDir(repo), "cta-1dc/caldb/data/cta/1dc/bcf/South_z20_50h/irf_file.fits");

/** v0.15's simulate_dataset test case (spec 06 §10), as scripts/fixtures/simulate.py builds it. */
export function simulatedCase() {
  const edges = Float64Array.from({ length: 20 }, (_, i) => 10 ** (-1 + (2 * i) / 19));
  const energy = MapAxis.fromEdges(edges, { name: "energy", unit: "TeV", interp: "log" });
  const geom = WcsGeom.create({ skydir: [0, 0], binsz: 0.025, width: 1, frame: "galactic", axes: [energy] });
  const irfs = loadIrfDict(readFits(caldb));
  const models = modelsFromDict(fx.simulated.models);
  return simulateDataset(models, geom, new SkyCoord(0, 0, "galactic"), irfs, { livetime: "10 h", offset: 1 });
}

function planeSums(data: ArrayLike<number>, planes: number): number[] {
  const n = data.length / planes;
  return Array.from({ length: planes }, (_, p) => {
    let sum = 0;
    for (let i = p * n; i < (p + 1) * n; i++) sum += data[i];
    return sum;
  });
}

test("simulateDataset: exposure and background as v0.15's test, npred as gammapy 1.0 builds the same", (t) => {
  if (!existsSync(caldb)) return t.skip(`no CTA 1DC caldb under GAMMAPY_DATA (${caldb})`);
  const dataset = simulatedCase();
  const { nx, imageSize } = dataset.counts!.geom;
  const at = 5 * imageSize + 20 * nx + 20;
  // spec 06 §10: exposure (assert_allclose default, rtol 1e-7) and background (rtol 1e-5)
  assert.ok(Math.abs(dataset.exposure!.data[at] / 16122681486.381285 - 1) < 1e-7, `${dataset.exposure!.data[at]}`);
  assert.ok(Math.abs(dataset.background!.data[at] / 0.9765545345855245 - 1) < 1e-5);
  const sums = planeSums(dataset.npred().data, 19);
  sums.forEach((s, p) =>
    assert.ok(
      Math.abs(s / fx.simulated.npredPlaneSums[p] - 1) < 1e-6,
      `plane ${p}: ${s} vs ${fx.simulated.npredPlaneSums[p]}`,
    ),
  );
  assert.throws(
    () => simulateDataset(dataset.models!, dataset.counts!.geom, new SkyCoord(0, 0), {}),
    /no effective area/,
  );
});
