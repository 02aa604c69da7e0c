import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, MapAxis, WcsGeom, type WcsNDMap } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { makeMapBackgroundIrf, makeMapExposureTrueEnergy } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../../..");
const gammapyData = process.env.GAMMAPY_DATA ?? path.resolve(repo, "../shared/gammapy-data");
const cases = JSON.parse(readFileSync(path.join(repo, "plugins/map-dataset-maker/test/fixtures/exposure_background.json"), "utf8"));

function store(label: string): DataStore {
  return label.startsWith("cta")
    ? DataStore.fromDir(toStorePath(path.join(gammapyData, "cta-1dc/index/gps")), { root: "../.." })
    : DataStore.fromDir(toStorePath(path.join(repo, "data/hess-dl3-dr1")));
}

function sampled(map: WcsNDMap, step = 9): number[] {
  const out: number[] = [];
  const planes = map.data.length / map.geom.imageSize;
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < map.geom.ny; y += step) for (let x = 0; x < map.geom.nx; x += step) out.push(map.data[(p * map.geom.ny + y) * map.geom.nx + x]);
  }
  return out;
}

function assertMapClose(map: WcsNDMap, want: any, rtol: number, what: string): void {
  assert.deepEqual(map.geom.dataShape, want.shape, `${what} shape`);
  const values = sampled(map);
  const scale = Math.max(...want.sample.map(Math.abs));
  want.sample.forEach((e: number, i: number) => {
    assert.ok(Math.abs(values[i] - e) <= rtol * Math.max(Math.abs(e), 1e-9 * scale), `${what}[${i}]: ${values[i]} vs ${e}`);
  });
  const planes = want.planeSums.length;
  for (let p = 0; p < planes; p++) {
    let sum = 0;
    for (let i = 0; i < map.geom.imageSize; i++) sum += map.data[p * map.geom.imageSize + i];
    assert.ok(Math.abs(sum - want.planeSums[p]) <= rtol * Math.abs(want.planeSums[p]), `${what} plane ${p} sum ${sum} vs ${want.planeSums[p]}`);
  }
}

for (const c of cases) {
  test(`${c.label}: exposure and background maps equal gammapy 1.0 within 1e-6 per pixel`, () => {
    const obs = store(c.label).obs(c.obsId);
    assert.ok(Math.abs(obs.observationLiveTimeDuration - c.livetime) <= 1e-9 * c.livetime);
    const g = c.geom;
    const base = { skydir: g.skydir as [number, number], width: g.width, binsz: g.binsz, frame: g.frame, proj: g.proj };
    const etrue = MapAxis.fromEnergyBounds("0.5 TeV", "50 TeV", 8, { name: "energy_true" });
    const ereco = MapAxis.fromEnergyBounds("1 TeV", "10 TeV", 5);
    const exposure = makeMapExposureTrueEnergy(obs.pointingRadec, obs.observationLiveTimeDuration, obs.aeff, WcsGeom.create({ ...base, axes: [etrue] }));
    assert.equal(exposure.unit, c.exposure.unit);
    assertMapClose(exposure, c.exposure, 1e-6, "exposure");
    const geomBkg = WcsGeom.create({ ...base, axes: [ereco] });
    assertMapClose(makeMapBackgroundIrf(obs.pointingRadec, obs.observationTimeDuration, obs.bkg, geomBkg), c.background, 1e-6, "background");
    assertMapClose(makeMapBackgroundIrf(obs.pointingRadec, obs.observationTimeDuration, obs.bkg, geomBkg, { oversampling: 3 }), c.backgroundOversampled, 1e-6, "background oversampled");
  });
}

test("exposure and background geometries are checked", () => {
  const obs = store("hess").obs(23592);
  const image = WcsGeom.create({ skydir: [83.63, 22.01], width: 1, binsz: 0.1 });
  assert.throws(() => makeMapExposureTrueEnergy(obs.pointingRadec, 100, obs.aeff, image), /needs an 'energy_true' axis/);
  assert.throws(() => makeMapBackgroundIrf(obs.pointingRadec, 100, obs.bkg, image), /no axis named 'energy'/);
  const geom = image.toCube([MapAxis.fromEnergyBounds(1, 10, 2)]);
  assert.throws(() => makeMapBackgroundIrf(obs.pointingRadec, 100, obs.bkg, geom, { oversampling: 0.5 }), /positive integer/);
  const exposure = makeMapExposureTrueEnergy(obs.pointingRadec, "1 h", obs.aeff, image.toCube([MapAxis.fromEnergyBounds(1, 10, 2, { name: "energy_true" })]));
  assert.equal(exposure.meta.livetime, 3600);
});
