import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { loadIrfDict } from "@gammaflow/core";
import { readFits } from "@gammaflow/core/node";
import { PULL_SOURCE, pullDistribution } from "../src/index.js";
import { REPO } from "./cases.js";

const RUN_FILE = path.join(REPO, "data/hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz");

test("pullDistribution: 16 simulations of a point source + power law give unit-Gaussian-like pulls", () => {
  const irfs = loadIrfDict(readFits(RUN_FILE));
  const n = 16;
  const result = pullDistribution({ n, seed: 1, livetime: "4 h", irfs });
  assert.equal(result.failures, 0, result.failureMessages.join("; "));
  assert.equal(result.outcomes.length, n);

  const first = result.outcomes[0];
  for (const name of ["index", "amplitude"] as const) {
    const { value, error } = first.fitted[name];
    assert.ok(Number.isFinite(value) && Number.isFinite(error) && error > 0, `${name}: ${value} ± ${error}`);
  }
  // a Crab-like source in 4 h is well detected: the errors are a few per cent
  assert.ok(first.fitted.index.error < 0.2, `index error ${first.fitted.index.error}`);
  assert.ok(
    first.fitted.amplitude.error < 0.2 * PULL_SOURCE.amplitude,
    `amplitude error ${first.fitted.amplitude.error}`,
  );

  // with 16 pulls the mean scatters by 0.25 and the width by ~0.18: bounds at ≥ 3σ
  for (const name of ["index", "amplitude"] as const) {
    const { pulls, mean, std } = result[name];
    assert.equal(pulls.length, n);
    assert.ok(Math.abs(mean) < 0.8, `${name} pull mean ${mean}`);
    assert.ok(std > 0.5 && std < 1.6, `${name} pull width ${std}`);
  }
});
