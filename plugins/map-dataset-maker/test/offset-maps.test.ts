import { test } from "node:test";
import assert from "node:assert/strict";
import { MapAxis, WcsGeom, WcsNDMap, type Irf, type Observation } from "@gammaflow/core";
import { store } from "./stores.js";
import { makeEdispMap, makeMapExposureTrueEnergy, makePsfMap } from "../src/index.js";

// The maps of the offset-table evaluation against the general one they replace:
// Irf.evaluateOuter at every (energy, rad|migra, pixel), then × live time or WcsNDMap.normalize.

/** Largest relative difference; values that are not the same number (NaN, −0 against +0) count as Infinity. */
function worstRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Object.is(actual[i], expected[i])) continue;
    const rel = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(actual[i]), Math.abs(expected[i]));
    worst = Math.max(worst, Number.isNaN(rel) ? Infinity : rel);
  }
  return worst;
}

/** The general path's map on a geometry with axes [rad|migra, energy_true]. */
function generalIrfMap(irf: Irf, geom: WcsGeom, pointing: Observation["pointingRadec"]): WcsNDMap {
  const [first, energy] = geom.axes;
  const offsets = geom.separation(pointing);
  const n = offsets.length;
  const offset = new Float64Array(first.nbin * n);
  const values = new Float64Array(first.nbin * n);
  for (let k = 0; k < first.nbin; k++) {
    offset.set(offsets, k * n);
    values.fill(first.center[k], k * n, (k + 1) * n);
  }
  const map = WcsNDMap.fromGeom(geom, { data: irf.evaluateOuter(energy.center, { offset, [first.name]: values }) });
  map.normalize(first.name);
  return map;
}

const etrue = MapAxis.fromEnergyBounds("0.5 TeV", "80 TeV", 9, { name: "energy_true" });
// wider than the IRF's rad and migra axes (0–0.67°, 0.2–5), on both sides for migra
const rad = MapAxis.fromBounds(0, 0.8, 40, { name: "rad", unit: "deg" });
const migra = MapAxis.fromBounds(0.1, 6, 30, { name: "migra", unit: "" });

for (const obsId of [23523, 23592]) {
  test(
    `run ${obsId}: exposure, PSF and EDisp maps equal the general evaluation within 1e-12, ` +
      "out to offsets beyond the IRFs'",
    () => {
      const obs = store("hess").obs(obsId);
      // 8° across, off the pointing: offsets from ~0 to ~5.4°, the IRFs' offset axes end at 2.75°
      const skydir: [number, number] = [obs.pointingRadec.lon + 0.6, obs.pointingRadec.lat + 0.3];
      const image = WcsGeom.create({ skydir, width: 8, binsz: 0.1, frame: "icrs" });
      assert.ok(image.separation(obs.pointingRadec).some((o) => o > 2.75));

      const livetime = obs.observationLiveTimeDuration;
      const exposure = makeMapExposureTrueEnergy(obs.pointingRadec, livetime, obs.aeff, image.toCube([etrue]));
      const area = obs.aeff.evaluateOuter(etrue.center, { offset: image.separation(obs.pointingRadec) });
      assert.ok(
        worstRelative(
          exposure.data,
          area.map((v) => v * livetime),
        ) <= 1e-12,
        "exposure",
      );

      const psfGeom = image.toCube([rad, etrue]);
      const psf = makePsfMap(obs.psf, obs.pointingRadec, psfGeom);
      const psfWant = generalIrfMap(obs.psf as Irf, psfGeom, obs.pointingRadec);
      assert.equal(psf.unit, psfWant.unit);
      assert.ok(worstRelative(psf.data, psfWant.data) <= 1e-12, `psf: ${worstRelative(psf.data, psfWant.data)}`);

      const edispGeom = image.toCube([migra, etrue]);
      const edisp = makeEdispMap(obs.edisp, obs.pointingRadec, edispGeom);
      const edispWant = generalIrfMap(obs.edisp, edispGeom, obs.pointingRadec);
      assert.equal(edisp.unit, edispWant.unit);
      assert.ok(
        worstRelative(edisp.data, edispWant.data) <= 1e-12,
        `edisp: ${worstRelative(edisp.data, edispWant.data)}`,
      );
    },
  );
}
