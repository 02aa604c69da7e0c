import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { MapAxis, WcsGeom, type WcsNDMap } from "@gammaflow/core";
import { assertMapClose, type SampledMap } from "@gammaflow/core/testing";
import { REPO, store, storeNeeds } from "./stores.js";
import { makeEdispMap, makePsfMap } from "../src/index.js";

const cases = JSON.parse(
  readFileSync(path.join(REPO, "plugins/map-dataset-maker/test/fixtures/psf_edisp_maps.json"), "utf8"),
);
const close = (map: WcsNDMap, want: SampledMap, what: string) =>
  assertMapClose(map, want, { step: 8, rtol: 1e-6, what, sumFloor: true });

const rad = MapAxis.fromBounds(0, 0.66, 66, { name: "rad", unit: "deg" });
const migra = MapAxis.fromBounds(0.2, 5, 48, { name: "migra", unit: "" });
const etrue = MapAxis.fromEnergyBounds("0.5 TeV", "50 TeV", 6, { name: "energy_true" });

for (const c of cases) {
  test(`${c.label}: PSF and EDisp maps equal gammapy 1.0 within 1e-6 per bin`, storeNeeds(c.label), () => {
    const obs = store(c.label).obs(c.obsId);
    const base = {
      skydir: c.geom.skydir as [number, number],
      width: c.geom.width,
      binsz: c.geom.binsz,
      frame: c.geom.frame,
    };
    close(makePsfMap(obs.psf, obs.pointingRadec, WcsGeom.create({ ...base, axes: [rad, etrue] })), c.psf, "psf");
    close(
      makeEdispMap(obs.edisp, obs.pointingRadec, WcsGeom.create({ ...base, axes: [migra, etrue] })),
      c.edisp,
      "edisp",
    );
  });
}

test("IRF-map geometries must have [rad|migra, energy_true] axes", () => {
  const obs = store("hess").obs(23592);
  const wrong = WcsGeom.create({ skydir: [83.63, 22.01], width: 1, binsz: 0.2, axes: [etrue, rad] });
  assert.throws(() => makePsfMap(obs.psf, obs.pointingRadec, wrong), /axes must be \[rad, energy_true\]/);
});
