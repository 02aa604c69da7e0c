import { test } from "node:test";
import assert from "node:assert/strict";
import { skyOffset, transformFrame } from "../src/coords/index.js";
import { EventDirections } from "../src/datasets/event-directions.js";
import { WcsGeom } from "../src/maps/index.js";
import { RandomState } from "../src/random/index.js";

// The one-pass vector route of the event sampler against the WCS, the frame change and
// skyOffset one after the other, on projections, frames and pointings of several kinds,
// near the pole and across RA 0 included.
const CASES = [
  { skydir: [83.63, 22.01], frame: "icrs", proj: "CAR", width: 5, binsz: 0.02, pointing: [83.63, 22.51] },
  { skydir: [320.33, -1.19], frame: "galactic", proj: "TAN", width: 6, binsz: 0.05, pointing: [228.5, -59.2] },
  { skydir: [0.2, -30], frame: "icrs", proj: "SIN", width: 8, binsz: 0.1, pointing: [359.5, -29.5] },
  { skydir: [10, 88.5], frame: "icrs", proj: "TAN", width: 4, binsz: 0.05, pointing: [40, 89] },
  { skydir: [0, 0], frame: "galactic", proj: "AIT", width: 40, binsz: 0.5, pointing: [266.4, -28.9] },
  // across the south pole: the near-angle series for Dec, atan2 for most RAs
  { skydir: [0, -89], frame: "icrs", proj: "CAR", width: 20, binsz: 0.1, pointing: [0, -85] },
] as const;

/** |a − b| in degrees, longitudes compared across 360. */
function angleDiff(a: number, b: number, isLongitude: boolean): number {
  const d = Math.abs(a - b);
  return isLongitude ? Math.min(d, 360 - d) : d;
}

for (const c of CASES) {
  test(`event directions on ${c.proj} ${c.frame} at (${c.skydir}) equal the WCS, frame change and skyOffset`, () => {
    const geom = WcsGeom.create({
      skydir: [...c.skydir],
      frame: c.frame,
      proj: c.proj,
      width: c.width,
      binsz: c.binsz,
    });
    const n = 20000;
    const rs = new RandomState(3);
    const x = rs.uniform(-0.5, geom.nx - 0.5, n);
    const y = rs.uniform(-0.5, geom.ny - 0.5, n);
    const world = geom.wcs.pixToWorld(x, y);
    const icrs = transformFrame(world.lon, world.lat, geom.frame, "icrs");
    const fov = skyOffset(icrs.lon, icrs.lat, c.pointing[0], c.pointing[1]);
    const out = {
      ra: new Float64Array(n),
      dec: new Float64Array(n),
      detx: new Float64Array(n),
      dety: new Float64Array(n),
    };
    new EventDirections(geom, n, { lon: c.pointing[0], lat: c.pointing[1] }).compute(x, y, out);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(icrs.lon[i])) {
        assert.ok(Number.isNaN(out.ra[i]) && Number.isNaN(out.detx[i]), `event ${i} does not project`);
        continue;
      }
      assert.ok(out.ra[i] >= 0 && out.ra[i] < 360, `RA ${out.ra[i]} in [0, 360)`);
      // RA is compared as an arc (× cos dec): at the pole a longitude is not defined
      const cosDec = Math.cos((icrs.lat[i] * Math.PI) / 180);
      worst = Math.max(
        worst,
        angleDiff(out.ra[i], icrs.lon[i], true) * cosDec,
        angleDiff(out.dec[i], icrs.lat[i], false),
        angleDiff(out.detx[i], fov.lon[i], true) * Math.cos((fov.lat[i] * Math.PI) / 180),
        angleDiff(out.dety[i], fov.lat[i], false),
      );
    }
    assert.ok(worst < 1e-12, `largest difference ${worst}° (seen: ~1e-13)`);
    const alone = { ra: new Float64Array(n), dec: new Float64Array(n) };
    new EventDirections(geom, n).compute(x, y, alone);
    assert.deepEqual(alone.ra, out.ra, "RA without a pointing: the same values");
    assert.deepEqual(alone.dec, out.dec);
  });
}

test("event directions refuse more events than their buffers hold", () => {
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 1, binsz: 0.1 });
  const directions = new EventDirections(geom, 4);
  const five = new Float64Array(5);
  assert.throws(
    () => directions.compute(five, five, { ra: new Float64Array(5), dec: new Float64Array(5) }),
    /5 events, room for 4/,
  );
});
