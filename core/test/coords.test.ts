import { test } from "node:test";
import assert from "node:assert/strict";
import { SkyCoord, fovToSky, hypot, skyToFov, transformFrame } from "../src/coords/index.js";
import { RandomState } from "../src/random/index.js";
import { maxAbsDiff, readFixture } from "./fixtures.js";

const fx = readFixture("coords_parity.json");
const TOL = 1e-10;

test("ICRS → Galactic equals astropy to 1e-10 deg", () => {
  const { lon, lat } = transformFrame(fx.lon, fx.lat, "icrs", "galactic");
  // Longitude is undefined at the poles (first two points): compare latitudes only there.
  assert.ok(maxAbsDiff(lat, fx.icrsToGal.b) < TOL);
  assert.ok(maxAbsDiff(lon.subarray(2), fx.icrsToGal.l.slice(2), 360) < 1e-8);
  assert.ok(maxAbsDiff(lon.subarray(4), fx.icrsToGal.l.slice(4), 360) < TOL);
  for (const l of lon) assert.ok(l >= 0 && l < 360);
});

test("Galactic → ICRS equals astropy to 1e-10 deg", () => {
  const { lon, lat } = transformFrame(fx.lon, fx.lat, "galactic", "icrs");
  assert.ok(maxAbsDiff(lat, fx.galToIcrs.dec) < TOL);
  assert.ok(maxAbsDiff(lon.subarray(4), fx.galToIcrs.ra.slice(4), 360) < TOL);
});

test("the Crab in galactic coordinates (spec check value)", () => {
  const c = new SkyCoord(83.633, 22.014).transformTo("galactic");
  assert.ok(Math.abs(c.lon - 184.55784) < 1e-5 && Math.abs(c.lat + 5.78469) < 1e-5);
});

test("separation, position angle and directional offset equal astropy", () => {
  for (let i = 0; i < fx.lon.length; i++) {
    const a = new SkyCoord(fx.lon[i], fx.lat[i]);
    const b = new SkyCoord(fx.lon2[i], fx.lat2[i]);
    assert.ok(Math.abs(a.separation(b) - fx.separation[i]) < TOL, `separation ${i}`);
    if (i >= 2) {
      let d = Math.abs(a.positionAngle(b) - fx.positionAngle[i]);
      d = Math.min(d, 360 - d);
      assert.ok(d < 1e-8, `position angle ${i}: ${d}`);
    }
    const o = a.directionalOffsetBy(fx.offset.pa[i], fx.offset.sep[i]);
    assert.ok(Math.abs(o.lat - fx.offset.lat[i]) < TOL, `offset lat ${i}`);
    if (i >= 4) {
      // the first four start at or within 1e-4 deg of a pole: longitude is ill-conditioned
      let d = Math.abs(o.lon - fx.offset.lon[i]);
      d = Math.min(d, 360 - d);
      assert.ok(d < 1e-8, `offset lon ${i}: ${d}`);
    }
  }
});

test("FoV coordinates (sky offset frame, GADF sign) and their inverse", () => {
  const f = fx.fov;
  const fov = skyToFov(f.lon, f.lat, f.lonPnt, f.latPnt);
  assert.ok(maxAbsDiff(fov.lon, f.fovLon) < TOL);
  assert.ok(maxAbsDiff(fov.lat, f.fovLat) < TOL);
  const back = fovToSky(fov.lon, fov.lat, f.lonPnt, f.latPnt);
  assert.ok(maxAbsDiff(back.lon, f.backLon, 360) < TOL);
  assert.ok(maxAbsDiff(back.lat, f.backLat) < TOL);
  // Spec example: sky_to_fov(1°, 60°; 0°, 60°) = (−0.5000°, 0.003779°).
  const ex = skyToFov([1], [60], 0, 60);
  assert.ok(Math.abs(ex.lon[0] + 0.5) < 1e-4 && Math.abs(ex.lat[0] - 0.003779) < 1e-6);
});

test("invalid sky positions are refused", () => {
  assert.throws(() => new SkyCoord(10, 91), /invalid position/);
  assert.throws(() => new SkyCoord(NaN, 0), /invalid position/);
});

test("hypot equals Math.hypot bit for bit (random magnitudes, zeros, infinities, NaN, extremes)", () => {
  const rs = new RandomState(11);
  const u = rs.uniform(-0.5, 0.5, 400000);
  const e = rs.randint(-40, 40, 400000);
  for (let i = 0; i < u.length; i += 2) {
    const x = u[i] * 10 ** e[i];
    const y = u[i + 1] * 10 ** (i % 6 ? e[i] : e[i + 1]);
    assert.ok(Object.is(hypot(x, y), Math.hypot(x, y)), `hypot(${x}, ${y})`);
  }
  const special = [0, -0, 1, -1, 3, 4, Infinity, -Infinity, NaN, 1e308, -1e308, 5e-324, 2.2250738585072014e-308];
  for (const x of special)
    for (const y of special) assert.ok(Object.is(hypot(x, y), Math.hypot(x, y)), `hypot(${x}, ${y})`);
});

test("separations and sky offsets from unit vectors equal the angle forms (near, far, antipodal)", async () => {
  const { separationDeg, separationFromVectors, skyOffset, skyOffsetFromVectors, unitVectors } = await import(
    "../src/coords/index.js"
  );
  const rs = new RandomState(7);
  const n = 4000;
  const lon = Float64Array.from(rs.uniform(0, 360, n) as Float64Array);
  const lat = Float64Array.from(rs.uniform(-89, 89, n) as Float64Array);
  // a few beside the centre, on it, and opposite it
  const [l0, b0] = [83.633, 22.014];
  lon.set([l0, l0 + 1e-9, l0 + 0.01, 180 + l0, l0 + 180 - 1e-7], 0);
  lat.set([b0, b0, b0 - 0.02, -b0, -b0 + 1e-7], 0);
  const v = unitVectors({ lon, lat });
  const exact = separationDeg(l0, b0, lon, lat);
  const fromVectors = separationFromVectors(l0, b0, v);
  assert.ok(maxAbsDiff(fromVectors, exact) < 1e-12, `separations: ${maxAbsDiff(fromVectors, exact)} deg`);
  assert.equal(fromVectors[0], 0, "the centre itself");
  assert.ok(Math.abs(fromVectors[3] - 180) < 1e-12, "antipodal");
  // offsets of positions within 60° of the pointing (the offset frame's longitude wraps at ±180°)
  const near = [...exact.keys()].filter((i) => exact[i] < 60);
  const pick = (a: Float64Array) => Float64Array.from(near, (i) => a[i]);
  const a = skyOffset(pick(lon), pick(lat), l0, b0);
  const b = skyOffsetFromVectors(unitVectors({ lon: pick(lon), lat: pick(lat) }), l0, b0);
  assert.ok(near.length > 200);
  assert.ok(maxAbsDiff(a.lon, b.lon) < 1e-12 && maxAbsDiff(a.lat, b.lat) < 1e-12, "sky offsets");
});
