import { test } from "node:test";
import assert from "node:assert/strict";
import { Irf, MapAxis } from "@gammaflow/core";
import { store } from "./stores.js";
import { MapDatasetMaker, trapzLogLogBins } from "../src/index.js";
import { backgroundTable, integrateBackground } from "../src/background-kernel.js";

// The one-pass background kernel against the general path it replaces: Irf.evaluateOuter
// with logarithms, then trapzLogLogBins — bit for bit, inside and outside the field of view.

function general(bkg: Irf, edges: ArrayLike<number>, lon: Float64Array, lat: Float64Array, factor: Float64Array): Float64Array {
  const logs = new Float64Array(edges.length * lon.length);
  const rates = bkg.evaluateOuter(edges, { fov_lon: lon, fov_lat: lat }, { logOut: logs });
  return trapzLogLogBins(rates, edges, lon.length, { logs, pointFactor: factor });
}

test("integrateBackground equals the general path bit for bit on the bundled runs' background IRFs", () => {
  const maker = new MapDatasetMaker();
  const observations = store("hess").getObservations([23523, 23592]);
  // fov coordinates across the IRF's edges (±3°), on its nodes and edges exactly, and NaN
  const m = 4000;
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const lon = Float64Array.from({ length: m }, () => random() * 7 - 3.5);
  const lat = Float64Array.from({ length: m }, () => random() * 7 - 3.5);
  lon[0] = NaN;
  lat[1] = NaN;
  const factor = Float64Array.from({ length: m }, () => 1e-6 * (1 + random()));
  for (const obs of observations) {
    const bkg = maker.backgroundIrf(obs);
    const [energy, fovLon, fovLat] = bkg.axes;
    lon.set([fovLon.center[3], fovLon.edges[0], fovLon.edges[fovLon.nbin], fovLon.center[fovLon.nbin - 1]], 2);
    lat.set([fovLat.center[10], fovLat.center[0], fovLat.edges[fovLat.nbin], fovLat.edges[0]], 2);
    const table = backgroundTable(bkg);
    assert.ok(table, "a plain log-scaled energy × fov_lon × fov_lat IRF has a table");
    for (const edges of [MapAxis.fromEnergyBounds(1, 10, 11, { unit: "TeV" }).edges, MapAxis.fromEnergyBounds(0.5, 80, 5, { unit: "TeV" }).edges, [energy.edges[0], energy.center[0], energy.center[1], energy.edges[energy.nbin]]]) {
      const want = general(bkg, edges, lon, lat, factor);
      const got = integrateBackground(table!, edges, lon, lat, factor);
      assert.ok(got, "edges within the IRF's energies");
      assert.equal(got.length, want.length);
      for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `obs ${obs.obsId}, [${Math.floor(i / m)}][${i % m}]: ${got[i]} vs ${want[i]}`);
    }
    // energies beyond the IRF's: left to the general path
    assert.equal(integrateBackground(table!, [energy.edges[0] / 2, 1, 10], lon, lat, factor), undefined);
  }
});

test("backgroundTable declines IRFs the kernel does not reproduce", () => {
  const energy = MapAxis.fromEnergyBounds(0.1, 100, 4, { unit: "TeV" });
  const lon = MapAxis.fromBounds(-2, 2, 4, { name: "fov_lon", unit: "deg" });
  const lat = MapAxis.fromBounds(-2, 2, 4, { name: "fov_lat", unit: "deg" });
  const offset = MapAxis.fromBounds(0, 2, 4, { name: "offset", unit: "deg" });
  const data = new Float64Array(4 * 4 * 4).fill(1);
  assert.ok(backgroundTable(new Irf("bkg", [energy, lon, lat], data, "s-1 MeV-1 sr-1", undefined, { fillValue: 0, valuesScale: "log" })));
  assert.equal(backgroundTable(new Irf("bkg", [energy, lon, lat], data, "s-1 MeV-1 sr-1", undefined, { fillValue: 0 })), undefined, "linear values");
  assert.equal(backgroundTable(new Irf("bkg", [energy, lon, lat], data, "s-1 MeV-1 sr-1", undefined, { fillValue: null, valuesScale: "log" })), undefined, "extrapolating");
  assert.equal(backgroundTable(new Irf("bkg", [energy, offset], new Float64Array(16), "s-1 MeV-1 sr-1", undefined, { fillValue: 0, valuesScale: "log" })), undefined, "offset-binned");
  class Special extends Irf {}
  assert.equal(backgroundTable(new Special("bkg", [energy, lon, lat], data, "s-1 MeV-1 sr-1", undefined, { fillValue: 0, valuesScale: "log" })), undefined, "a subclass may change the fill rules");
});
