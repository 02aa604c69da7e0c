import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, MapAxis, WcsGeom, type WcsNDMap } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { makeEdispMap, makePsfMap } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../../..");
const gammapyData = process.env.GAMMAPY_DATA ?? path.resolve(repo, "../shared/gammapy-data");
const cases = JSON.parse(readFileSync(path.join(repo, "plugins/map-dataset-maker/test/fixtures/psf_edisp_maps.json"), "utf8"));

function store(label: string): DataStore {
  return label.startsWith("cta")
    ? DataStore.fromDir(toStorePath(path.join(gammapyData, "cta-1dc/index/gps")), { root: "../.." })
    : DataStore.fromDir(toStorePath(path.join(repo, "data/hess-dl3-dr1")));
}

function assertMapClose(map: WcsNDMap, want: any, rtol: number, what: string, step = 8): void {
  assert.deepEqual(map.geom.dataShape, want.shape, `${what} shape`);
  const { nx, ny, imageSize } = map.geom;
  const planes = map.data.length / imageSize;
  const values: number[] = [];
  for (let p = 0; p < planes; p++) for (let y = 0; y < ny; y += step) for (let x = 0; x < nx; x += step) values.push(map.data[(p * ny + y) * nx + x]);
  const scale = Math.max(...want.sample.map(Math.abs));
  want.sample.forEach((e: number, i: number) => {
    assert.ok(Math.abs(values[i] - e) <= rtol * Math.max(Math.abs(e), 1e-9 * scale), `${what}[${i}]: ${values[i]} vs ${e}`);
  });
  want.planeSums.forEach((e: number, p: number) => {
    let sum = 0;
    for (let i = 0; i < imageSize; i++) sum += map.data[p * imageSize + i];
    assert.ok(Math.abs(sum - e) <= rtol * Math.max(Math.abs(e), 1e-9 * scale), `${what} plane ${p}: ${sum} vs ${e}`);
  });
}

const rad = MapAxis.fromBounds(0, 0.66, 66, { name: "rad", unit: "deg" });
const migra = MapAxis.fromBounds(0.2, 5, 48, { name: "migra", unit: "" });
const etrue = MapAxis.fromEnergyBounds("0.5 TeV", "50 TeV", 6, { name: "energy_true" });

for (const c of cases) {
  test(`${c.label}: PSF and EDisp maps equal gammapy 1.0 within 1e-6 per bin`, () => {
    const obs = store(c.label).obs(c.obsId);
    const base = { skydir: c.geom.skydir as [number, number], width: c.geom.width, binsz: c.geom.binsz, frame: c.geom.frame };
    assertMapClose(makePsfMap(obs.psf, obs.pointingRadec, WcsGeom.create({ ...base, axes: [rad, etrue] })), c.psf, 1e-6, "psf");
    assertMapClose(makeEdispMap(obs.edisp, obs.pointingRadec, WcsGeom.create({ ...base, axes: [migra, etrue] })), c.edisp, 1e-6, "edisp");
  });
}

test("IRF-map geometries must have [rad|migra, energy_true] axes", () => {
  const obs = store("hess").obs(23592);
  const wrong = WcsGeom.create({ skydir: [83.63, 22.01], width: 1, binsz: 0.2, axes: [etrue, rad] });
  assert.throws(() => makePsfMap(obs.psf, obs.pointingRadec, wrong), /axes must be \[rad, energy_true\]/);
});
