import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MapAxis, WcsGeom, WcsNDMap } from "../src/maps/index.js";
import { readMap, writeMap } from "../src/nodejs/index.js";
import { fixturePath, readFixture } from "./fixtures.js";

const cases = readFixture("maps/expected.json");

for (const c of cases) {
  test(`a map gammapy wrote (${c.name}) reads with identical data and geometry`, () => {
    const m = readMap(fixturePath("maps", c.file), {
      hdu: c.hdu ?? undefined,
      dtype: c.dtype === "bool" ? "bool" : undefined,
    });
    assert.deepEqual(m.geom.dataShape, c.dataShape);
    assert.equal(m.dtype, c.dtype);
    assert.deepEqual(
      [...m.data],
      c.data.map((v: number) => (c.dtype === "bool" ? Number(v) : v)),
    );
    assert.deepEqual([...m.geom.wcs.params.ctype], c.wcs.ctype);
    assert.deepEqual([...m.geom.wcs.crval], c.wcs.crval);
    assert.deepEqual([...m.geom.wcs.crpix], c.wcs.crpix);
    assert.deepEqual([...m.geom.wcs.cdelt], c.wcs.cdelt);
    assert.equal(m.unit, c.unit);
    assert.deepEqual(m.meta, c.meta);
    assert.equal(m.geom.axes.length, c.axes.length);
    c.axes.forEach((want: any, i: number) => {
      const axis = m.geom.axes[i];
      assert.equal(axis.name, want.name);
      assert.equal(axis.nodeType, want.nodeType);
      assert.equal(axis.interp, want.interp);
      assert.equal(axis.unit, want.unit);
      assert.deepEqual(
        [...axis.edges].map((v) => +v.toPrecision(12)),
        want.edges.map((v: number) => +v.toPrecision(12)),
      );
    });
  });
}

test("maps we write read back identically (plain and gzip, primary and named HDUs)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-maps-"));
  const energy = MapAxis.fromEnergyBounds(0.5, 20, 4, { unit: "TeV", name: "energy_true" });
  const rad = MapAxis.fromBounds(0, 0.66, 5, { name: "rad", unit: "deg" });
  const geom = WcsGeom.create({
    skydir: [184.56, -5.78],
    frame: "galactic",
    proj: "TAN",
    width: [0.4, 0.3],
    binsz: 0.1,
    axes: [rad, energy],
  });
  const m = WcsNDMap.fromGeom(geom, { unit: "sr-1", meta: { note: "round trip" } });
  m.data.forEach((_, i) => (m.data[i] = Math.sqrt(i)));
  for (const [file, hdu] of [
    ["psf.fits", "psf"],
    ["psf.fits.gz", undefined],
  ] as const) {
    writeMap(m, path.join(dir, file), { hdu });
    const back = readMap(path.join(dir, file), { hdu });
    assert.ok(back.geom.equals(geom));
    assert.deepEqual([...back.data], [...m.data]);
    assert.equal(back.unit, "sr-1");
    assert.deepEqual(back.meta, { note: "round trip" });
    assert.equal(back.geom.axes[1].name, "energy_true");
  }
  const mask = WcsNDMap.fromGeom(geom.toImage(), { dtype: "bool" });
  mask.data[3] = 1;
  writeMap(mask, path.join(dir, "mask.fits"), { hdu: "mask_safe" });
  const maskBack = readMap(path.join(dir, "mask.fits"), { hdu: "MASK_SAFE", dtype: "bool" });
  assert.deepEqual([...maskBack.data], [...mask.data]);
});

test("a damaged map file names the file and HDU", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-maps-"));
  const bytes = readFileSync(fixturePath("maps", "counts-cube.fits"));
  writeFileSync(path.join(dir, "cut.fits"), bytes.subarray(0, 5000));
  assert.throws(() => readMap(path.join(dir, "cut.fits"), { hdu: "counts" }), /cut\.fits/);
  assert.throws(() => readMap(fixturePath("maps", "counts-cube.fits"), { hdu: "nope" }), /nope/i);
});
