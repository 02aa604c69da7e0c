import { test } from "node:test";
import assert from "node:assert/strict";
import { Wcs2D } from "../src/maps/wcs/index.js";
import { maxAbsDiff, readFixture } from "./fixtures.js";

const fx = readFixture("geom_parity.json");

for (const g of fx.geoms) {
  test(`WCS ${g.spec.name}: pixel ↔ world equals astropy/wcslib to 1e-9`, () => {
    const wcs = new Wcs2D({ ctype: g.wcs.ctype, crval: g.wcs.crval, crpix: g.wcs.crpix, cdelt: g.wcs.cdelt });
    assert.equal(wcs.lonpole, g.wcs.lonpole);
    assert.ok(Math.abs(wcs.latpole - g.wcs.latpole) < 1e-9);
    const centers = wcs.pixToWorld(g.samplePix.x, g.samplePix.y);
    // Same longitude range as wcslib, not only modulo 360.
    assert.ok(maxAbsDiff(centers.lon, g.centers.lon) < 1e-9);
    assert.ok(maxAbsDiff(centers.lat, g.centers.lat) < 1e-9);
    const offsets: Record<string, [number, number]> = {
      ll: [-0.5, -0.5],
      lr: [0.5, -0.5],
      ul: [-0.5, 0.5],
      ur: [0.5, 0.5],
    };
    for (const [key, [dx, dy]] of Object.entries(offsets)) {
      const c = wcs.pixToWorld(
        g.samplePix.x.map((v: number) => v + dx),
        g.samplePix.y.map((v: number) => v + dy),
      );
      assert.ok(maxAbsDiff(c.lon, g.corners[key].lon, 360) < 1e-9, `corner ${key} lon`);
      assert.ok(maxAbsDiff(c.lat, g.corners[key].lat) < 1e-9, `corner ${key} lat`);
    }
    const pix = wcs.worldToPix(g.worldToPix.lon, g.worldToPix.lat);
    assert.ok(maxAbsDiff(pix.x, g.worldToPix.x) < 1e-9);
    assert.ok(maxAbsDiff(pix.y, g.worldToPix.y) < 1e-9);
  });

  test(`WCS ${g.spec.name}: header cards as astropy writes them, and read back`, () => {
    const wcs = new Wcs2D({ ctype: g.wcs.ctype, crval: g.wcs.crval, crpix: g.wcs.crpix, cdelt: g.wcs.cdelt });
    const cards = Object.fromEntries(wcs.headerCards().map((c) => [c.key, c.value]));
    for (const [key, value] of Object.entries(g.header)) {
      if (typeof value === "number") assert.ok(Math.abs((cards[key] as number) - value) < 1e-9, key);
      else assert.equal(cards[key], value, key);
    }
    assert.deepEqual(Object.keys(cards).sort(), Object.keys(g.header).sort());
    const back = Wcs2D.fromHeader((k) => cards[k]);
    assert.ok(back.equals(wcs, 1e-12));
  });
}

test("WCS errors name the problem", () => {
  assert.throws(
    () => new Wcs2D({ ctype: ["RA---ZEA", "DEC--ZEA"], crval: [0, 0], crpix: [1, 1], cdelt: [-1, 1] }),
    /unsupported WCS projection 'ZEA'/,
  );
  assert.throws(
    () => new Wcs2D({ ctype: ["RA---CAR", "DEC--TAN"], crval: [0, 0], crpix: [1, 1], cdelt: [-1, 1] }),
    /different projections/,
  );
  assert.throws(
    () => new Wcs2D({ ctype: ["RA---CAR", "DEC--CAR"], crval: [0, 0], crpix: [1, 1], cdelt: [0, 1] }),
    /CDELT1/,
  );
  assert.throws(
    () => Wcs2D.fromHeader(() => undefined, "file.fits[COUNTS]"),
    /file.fits\[COUNTS\]: WCS keyword CTYPE1/,
  );
});
