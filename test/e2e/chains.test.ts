import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { assertMapClose, planeSums } from "@gammaflow/core/testing";
import { chainNeeds, loadChains, repoRoot, runChain } from "../src/chains.js";

for (const [name, config] of Object.entries(loadChains())) {
  test(`chain '${name}' equals gammapy 1.0: ${config.description}`, chainNeeds(config), () => {
    const fx = JSON.parse(readFileSync(path.join(repoRoot, "test", "chains", `${name}.json`), "utf8"));
    const runs: Array<{ obsId: number; maskPlaneSums: number[]; counts: number }> = [];
    const stacked = runChain(config, (obsId, dataset) =>
      runs.push({ obsId, maskPlaneSums: planeSums(dataset.maskSafe!), counts: dataset.counts.sum() }),
    );
    assert.deepEqual(runs, fx.runs, "per run: safe masks and counts");
    const s = fx.stacked;
    assert.deepEqual(planeSums(stacked.maskSafe!), s.maskPlaneSums, "stacked safe mask");
    assert.deepEqual(planeSums(stacked.counts), s.countsPlaneSums, "counts per energy bin");
    // Counts: gammapy converts the events' float32 RA/Dec to radians in float32 before going
    // to another frame, and so do we: the index-weighted checksum (any moved count shows)
    // is gammapy's in every frame.
    let checksum = 0;
    stacked.counts.data.forEach((v, i) => (checksum += v * i));
    assert.equal(checksum, s.countsChecksum, "counts equal gammapy's, pixel for pixel");
    const close = (
      map: Parameters<typeof assertMapClose>[0],
      want: Parameters<typeof assertMapClose>[1],
      step: number,
      what: string,
      axisStep = 1,
    ) => assertMapClose(map, want, { step, axisStep, rtol: 1e-6, what, sumFloor: true });
    close(stacked.exposure!, s.exposure, 7, "exposure");
    close(stacked.background!, s.background, 7, "background");
    close(stacked.psf!.psfMap, s.psf, 4, "psf", 5);
    close(stacked.psf!.exposureMap!, s.psfExposure, 4, "psf exposure");
    close(stacked.edisp!.edispMap, s.edisp, 4, "edisp", 5);
  });
}
