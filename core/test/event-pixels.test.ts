import { test } from "node:test";
import assert from "node:assert/strict";
import { frameRotation, skyVectors, transformFrame } from "../src/coords/index.js";
import { DataStore } from "../src/index.node.js";
import { MapAxis, WcsGeom, WcsNDMap } from "../src/maps/index.js";
import { toStorePath } from "../src/nodejs/index.js";
import { RandomState } from "../src/random/index.js";
import { withKernelPaths } from "../src/utils/kernel-paths.js";
import { BUNDLED_HESS } from "./fixtures.js";

// Events binned through unit vectors (skyVectors, Wcs2D.vectorsToPix, WcsGeom.eventFlatIdx)
// against the angles' route (transformFrame, worldToPix, coordToFlatIdx).

test("skyVectors: the unit vectors of Math's sines and cosines, float32 radians as transformFrame takes them", () => {
  const rs = new RandomState(3);
  const n = 20000;
  // around a pointing (the series), anywhere on the sky (Math's), across RA 0 and NaN
  const lon = Float64Array.from(rs.uniform(-3, 3, n) as Float64Array, (d, i) =>
    i % 4 === 0 ? d * 60 + 180 : 83.6 + d,
  );
  const lat = Float64Array.from(rs.uniform(-3, 3, n) as Float64Array, (d, i) => (i % 4 === 0 ? d * 29 : 22 + d));
  lon[5] = 359.999;
  lon[6] = 0.001;
  lat[7] = Number.NaN;
  for (const float32 of [false, true]) {
    const values = float32 ? Float64Array.from(Float32Array.from(lon)) : lon;
    const got = skyVectors(values, lat, { float32 });
    // from the radians straight (through degrees again would round them once more)
    const f32 = Math.fround(Math.PI / 180);
    const rad = (v: number, wrap: boolean) =>
      float32 ? Math.fround((wrap ? v - Math.floor(v / 360) * 360 : v) * f32) : v * (Math.PI / 180);
    const l = Float64Array.from(values, (v) => rad(v, true));
    const b = Float64Array.from(lat, (v) => rad(v, false));
    const want = {
      x: Float64Array.from(l, (v, i) => Math.cos(b[i]) * Math.cos(v)),
      y: Float64Array.from(l, (v, i) => Math.cos(b[i]) * Math.sin(v)),
      z: Float64Array.from(b, (v) => Math.sin(v)),
    };
    let worst = 0;
    for (const k of ["x", "y", "z"] as const)
      for (let i = 0; i < n; i++) if (i !== 7) worst = Math.max(worst, Math.abs(got[k][i] - want[k][i]));
    assert.ok(worst < 4e-16, `float32 ${float32}: ${worst}`);
    assert.ok(Number.isNaN(got.z[7]) && Number.isNaN(got.x[7]), "NaN in, NaN out");
  }
});

const GEOMS = [
  { proj: "CAR", frame: "icrs", skydir: [83.63, 22.01], width: 5, binsz: 0.02 },
  { proj: "CAR", frame: "galactic", skydir: [347.34, -0.47], width: 6, binsz: 0.02 },
  { proj: "TAN", frame: "galactic", skydir: [320.33, -1.19], width: 5, binsz: 0.02 },
  { proj: "TAN", frame: "icrs", skydir: [10, 88.5], width: 4, binsz: 0.05 },
  { proj: "SIN", frame: "icrs", skydir: [329.7, -30.2], width: 8, binsz: 0.1 },
] as const;

for (const g of GEOMS) {
  test(`vectorsToPix on ${g.proj} ${g.frame}: worldToPix of the transformed angles within 1e-9 pixel`, () => {
    const geom = WcsGeom.create({ ...g, skydir: [...g.skydir] });
    const rs = new RandomState(11);
    const n = 20000;
    // ICRS positions over the map and around it, some beyond a TAN/SIN hemisphere
    const x = rs.uniform(-0.5 * geom.nx, 1.5 * geom.nx, n) as Float64Array;
    const y = rs.uniform(-0.5 * geom.ny, 1.5 * geom.ny, n) as Float64Array;
    const sky = geom.wcs.pixToWorld(x, y);
    const icrs = transformFrame(sky.lon, sky.lat, geom.frame, "icrs");
    icrs.lon[0] = (icrs.lon[0] + 180) % 360; // the far side
    icrs.lat[0] = -icrs.lat[0];
    const inFrame = transformFrame(icrs.lon, icrs.lat, "icrs", geom.frame);
    const want = geom.wcs.worldToPix(inFrame.lon, inFrame.lat);
    const got = { x: new Float64Array(n), y: new Float64Array(n) };
    assert.ok(geom.wcs.vectorsToPix(skyVectors(icrs.lon, icrs.lat), frameRotation("icrs", geom.frame), got.x, got.y));
    let worst = 0;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(want.x[i]) || Math.abs(want.x[i]) > 1e5) {
        if (g.proj !== "CAR") assert.ok(Number.isNaN(got.x[i]) || Math.abs(got.x[i]) > 1e5, `${i}: ${got.x[i]}`);
        continue;
      }
      worst = Math.max(worst, Math.abs(got.x[i] - want.x[i]), Math.abs(got.y[i] - want.y[i]));
    }
    assert.ok(worst < 1e-9, `${worst} pixel`);
    assert.equal(
      geom.wcs.precise().vectorsToPix(skyVectors(icrs.lon, icrs.lat), frameRotation("icrs", geom.frame), got.x, got.y),
      false,
    );
  });
}

test("events binned through vectors equal the angles' route count for count (a bundled run, ICRS, galactic)", () => {
  const store = DataStore.fromDir(toStorePath(BUNDLED_HESS));
  const events = store.obs(23523).events;
  const energy = MapAxis.fromEnergyBounds(0.5, 50, 6, { unit: "TeV" });
  for (const spec of [
    { skydir: [83.63, 22.01] as [number, number], frame: "icrs" as const, proj: "CAR" as const },
    { skydir: [184.56, -5.78] as [number, number], frame: "galactic" as const, proj: "TAN" as const },
    { skydir: [184.56, -5.78] as [number, number], frame: "galactic" as const, proj: "CAR" as const },
  ]) {
    const geom = WcsGeom.create({ ...spec, width: 4, binsz: 0.02, axes: [energy] });
    const fill = (paths: "tuned" | "reference") =>
      withKernelPaths(paths, () => {
        const map = WcsNDMap.fromGeom(geom);
        map.fillEvents({
          lon: events.ra,
          lat: events.dec,
          columns: { energy: events.energy },
          float32LonLat: events.radecFloat32,
        });
        return Array.from(map.data);
      });
    const [tuned, reference] = [fill("tuned"), fill("reference")];
    assert.ok(reference.reduce((a: number, b: number) => a + b, 0) > 1000, "events in the map");
    assert.deepEqual(tuned, reference, `${spec.frame} ${spec.proj}`);
  }
});
