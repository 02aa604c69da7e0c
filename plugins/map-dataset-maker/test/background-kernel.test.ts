import { test } from "node:test";
import assert from "node:assert/strict";
import { Irf, MapAxis } from "@gammaflow/core";
import { store } from "./stores.js";
import { MapDatasetMaker, trapzLogLogBins } from "../src/index.js";
import { backgroundTable, integrateBackground, type BackgroundEngine } from "../src/background-kernel.js";
import { backgroundWasmAvailable } from "../src/background-wasm.js";

// The one-pass background kernel against the general path it replaces: Irf.evaluateOuter
// with logarithms, then trapzLogLogBins — bit for bit, inside and outside the field of view,
// with its pixel loop in WebAssembly (the default) and in JavaScript.

const ENGINES: BackgroundEngine[] = ["wasm", "js"];

/** Every value the same number (NaN equal to NaN, −0 apart from 0). */
function sameBits(got: Float64Array, want: Float64Array, what: string, m: number): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++)
    assert.ok(Object.is(got[i], want[i]), `${what}, [${Math.floor(i / m)}][${i % m}]: ${got[i]} vs ${want[i]}`);
}

test("the WebAssembly pixel loop runs here (Node has WebAssembly)", () => {
  assert.equal(backgroundWasmAvailable(), true);
});

function general(
  bkg: Irf,
  edges: ArrayLike<number>,
  lon: Float64Array,
  lat: Float64Array,
  factor: Float64Array,
): Float64Array {
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
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
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
    for (const edges of [
      MapAxis.fromEnergyBounds(1, 10, 11, { unit: "TeV" }).edges,
      MapAxis.fromEnergyBounds(0.5, 80, 5, { unit: "TeV" }).edges,
      [energy.edges[0], energy.center[0], energy.center[1], energy.edges[energy.nbin]],
    ]) {
      const want = general(bkg, edges, lon, lat, factor);
      for (const engine of ENGINES) {
        const got = integrateBackground(table!, edges, lon, lat, factor, engine);
        assert.ok(got, "edges within the IRF's energies");
        sameBits(got, want, `obs ${obs.obsId}, ${engine}`, m);
      }
    }
    // energies beyond the IRF's: left to the general path
    assert.equal(integrateBackground(table!, [energy.edges[0] / 2, 1, 10], lon, lat, factor), undefined);
  }
});

test(
  "integrateBackground equals the general path bit for bit at zeros, " +
    "values below float32's tiny and slopes of −1 (the rare paths)",
  () => {
    const energy = MapAxis.fromEnergyBounds(0.1, 100, 6, { unit: "TeV" });
    const lonAxis = MapAxis.fromBounds(-2, 2, 4, { name: "fov_lon", unit: "deg" });
    const latAxis = MapAxis.fromBounds(-2, 2, 4, { name: "fov_lat", unit: "deg" });
    const data = new Float64Array(6 * 4 * 4);
    for (let e = 0; e < 6; e++) {
      for (let c = 0; c < 16; c++) {
        // E^-1 in most cells (slope −1: no closed form), zeros and sub-tiny values in some
        const at = e * 16 + c;
        data[at] = c === 5 ? 0 : c === 6 ? 1e-40 : c === 9 && e > 2 ? 0 : (1e-3 * (1 + c / 7)) / energy.center[e];
      }
    }
    for (const fillValue of [0, 1e-9]) {
      const bkg = new Irf("bkg", [energy, lonAxis, latAxis], data, "s-1 MeV-1 sr-1", undefined, {
        fillValue,
        valuesScale: "log",
      });
      const table = backgroundTable(bkg);
      assert.ok(table);
      const m = 900;
      const lon = Float64Array.from({ length: m }, (_, i) => ((i % 30) / 29) * 5 - 2.5);
      const lat = Float64Array.from({ length: m }, (_, i) => (Math.floor(i / 30) / 29) * 5 - 2.5);
      lon[17] = NaN;
      const factor = Float64Array.from({ length: m }, (_, i) => 1 + i / m);
      for (const edges of [
        MapAxis.fromEnergyBounds(0.2, 50, 8, { unit: "TeV" }).edges,
        Float64Array.from(energy.center),
      ]) {
        const want = general(bkg, edges, lon, lat, factor);
        assert.ok(want.some((v) => v === 0) && want.some((v) => v > 0), "zeros and values");
        for (const engine of ENGINES)
          sameBits(
            integrateBackground(table!, edges, lon, lat, factor, engine)!,
            want,
            `fill ${fillValue}, ${engine}`,
            m,
          );
      }
    }
  },
);

test(
  "the WebAssembly loop gives the same numbers after a larger map needs a larger memory " +
    "(a new instance, no grown memory)",
  () => {
    const maker = new MapDatasetMaker();
    const [obs] = store("hess").getObservations([23526]);
    const bkg = maker.backgroundIrf(obs);
    const table = backgroundTable(bkg)!;
    const edges = MapAxis.fromEnergyBounds(1, 10, 11, { unit: "TeV" }).edges;
    for (const m of [500, 400_000, 500]) {
      const lon = Float64Array.from({ length: m }, (_, i) => (((i * 7919) % m) / m) * 6 - 3);
      const lat = Float64Array.from({ length: m }, (_, i) => (((i * 104729) % m) / m) * 6 - 3);
      const factor = new Float64Array(m).fill(1e-6);
      sameBits(
        integrateBackground(table, edges, lon, lat, factor, "wasm")!,
        integrateBackground(table, edges, lon, lat, factor, "js")!,
        `${m} pixels`,
        m,
      );
    }
  },
);

test("backgroundTable declines IRFs the kernel does not reproduce", () => {
  const energy = MapAxis.fromEnergyBounds(0.1, 100, 4, { unit: "TeV" });
  const lon = MapAxis.fromBounds(-2, 2, 4, { name: "fov_lon", unit: "deg" });
  const lat = MapAxis.fromBounds(-2, 2, 4, { name: "fov_lat", unit: "deg" });
  const offset = MapAxis.fromBounds(0, 2, 4, { name: "offset", unit: "deg" });
  const data = new Float64Array(4 * 4 * 4).fill(1);
  assert.ok(
    backgroundTable(
      new Irf("bkg", [energy, lon, lat], data, "s-1 MeV-1 sr-1", undefined, { fillValue: 0, valuesScale: "log" }),
    ),
  );
  assert.equal(
    backgroundTable(new Irf("bkg", [energy, lon, lat], data, "s-1 MeV-1 sr-1", undefined, { fillValue: 0 })),
    undefined,
    "linear values",
  );
  assert.equal(
    backgroundTable(
      new Irf("bkg", [energy, lon, lat], data, "s-1 MeV-1 sr-1", undefined, { fillValue: null, valuesScale: "log" }),
    ),
    undefined,
    "extrapolating",
  );
  assert.equal(
    backgroundTable(
      new Irf("bkg", [energy, offset], new Float64Array(16), "s-1 MeV-1 sr-1", undefined, {
        fillValue: 0,
        valuesScale: "log",
      }),
    ),
    undefined,
    "offset-binned",
  );
  class Special extends Irf {}
  assert.equal(
    backgroundTable(
      new Special("bkg", [energy, lon, lat], data, "s-1 MeV-1 sr-1", undefined, { fillValue: 0, valuesScale: "log" }),
    ),
    undefined,
    "a subclass may change the fill rules",
  );
});
