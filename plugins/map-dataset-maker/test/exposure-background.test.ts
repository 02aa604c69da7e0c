import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { MapAxis, WcsGeom, type WcsNDMap } from "@gammaflow/core";
import { assertMapClose, type SampledMap } from "@gammaflow/core/testing";
import { REPO, store, storeNeeds } from "./stores.js";
import { makeMapBackgroundIrf, makeMapExposureTrueEnergy } from "../src/index.js";

const cases = JSON.parse(
  readFileSync(path.join(REPO, "plugins/map-dataset-maker/test/fixtures/exposure_background.json"), "utf8"),
);
const close = (map: WcsNDMap, want: SampledMap, what: string) =>
  assertMapClose(map, want, { step: 9, rtol: 1e-6, what });

for (const c of cases) {
  test(`${c.label}: exposure and background maps equal gammapy 1.0 within 1e-6 per pixel`, storeNeeds(c.label), () => {
    const obs = store(c.label).obs(c.obsId);
    assert.ok(Math.abs(obs.observationLiveTimeDuration - c.livetime) <= 1e-9 * c.livetime);
    const g = c.geom;
    const base = { skydir: g.skydir as [number, number], width: g.width, binsz: g.binsz, frame: g.frame, proj: g.proj };
    const etrue = MapAxis.fromEnergyBounds("0.5 TeV", "50 TeV", 8, { name: "energy_true" });
    const ereco = MapAxis.fromEnergyBounds("1 TeV", "10 TeV", 5);
    const exposure = makeMapExposureTrueEnergy(
      obs.pointingRadec,
      obs.observationLiveTimeDuration,
      obs.aeff,
      WcsGeom.create({ ...base, axes: [etrue] }),
    );
    assert.equal(exposure.unit, c.exposure.unit);
    close(exposure, c.exposure, "exposure");
    const geomBkg = WcsGeom.create({ ...base, axes: [ereco] });
    close(
      makeMapBackgroundIrf(obs.pointingRadec, obs.observationTimeDuration, obs.bkg, geomBkg),
      c.background,
      "background",
    );
    close(
      makeMapBackgroundIrf(obs.pointingRadec, obs.observationTimeDuration, obs.bkg, geomBkg, { oversampling: 3 }),
      c.backgroundOversampled,
      "background oversampled",
    );
  });
}

test("exposure and background geometries are checked", () => {
  const obs = store("hess").obs(23592);
  const image = WcsGeom.create({ skydir: [83.63, 22.01], width: 1, binsz: 0.1 });
  assert.throws(
    () => makeMapExposureTrueEnergy(obs.pointingRadec, 100, obs.aeff, image),
    /needs an 'energy_true' axis/,
  );
  assert.throws(() => makeMapBackgroundIrf(obs.pointingRadec, 100, obs.bkg, image), /no axis named 'energy'/);
  const geom = image.toCube([MapAxis.fromEnergyBounds(1, 10, 2)]);
  assert.throws(
    () => makeMapBackgroundIrf(obs.pointingRadec, 100, obs.bkg, geom, { oversampling: 0.5 }),
    /positive integer/,
  );
  const exposure = makeMapExposureTrueEnergy(
    obs.pointingRadec,
    "1 h",
    obs.aeff,
    image.toCube([MapAxis.fromEnergyBounds(1, 10, 2, { name: "energy_true" })]),
  );
  assert.equal(exposure.meta.livetime, 3600);
});
