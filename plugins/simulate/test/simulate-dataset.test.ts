import { test } from "node:test";
import assert from "node:assert/strict";
import { SkyCoord } from "@gammaflow/core";
import { simulateDataset } from "../src/index.js";
import { fx, NEEDS_CALDB, simulatedCase } from "./cases.js";

function planeSums(data: ArrayLike<number>, planes: number): number[] {
  const n = data.length / planes;
  return Array.from({ length: planes }, (_, p) => {
    let sum = 0;
    for (let i = p * n; i < (p + 1) * n; i++) sum += data[i];
    return sum;
  });
}

const SIMULATED = "simulateDataset: exposure and background as v0.15's test, npred as gammapy 1.0 builds the same";
test(SIMULATED, NEEDS_CALDB, () => {
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
