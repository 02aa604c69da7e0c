import { test } from "node:test";
import assert from "node:assert/strict";
import { SkyCoord, transformFrame } from "../src/coords/index.js";
import { MapAxis } from "../src/maps/axis/index.js";
import { WcsGeom } from "../src/maps/geom.js";
import { maxAbsDiff, readFixture } from "./fixtures.js";

const fx = readFixture("geom_parity.json");

function create(spec: any): WcsGeom {
  const axis = MapAxis.fromEnergyBounds(1, 10, 3, { unit: "TeV" });
  const width = spec.width.length === 1 ? spec.width[0] : [spec.width[0], spec.width[1]];
  return WcsGeom.create({
    skydir: [spec.skydir[0], spec.skydir[1]],
    frame: spec.frame,
    proj: spec.proj,
    width,
    binsz: spec.binsz,
    axes: [axis],
  });
}

function maxRelDiff(actual: ArrayLike<number>, expected: ArrayLike<number | null>): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (e === null) {
      if (!Number.isNaN(actual[i])) return Infinity;
      continue;
    }
    const d = Math.abs(actual[i] - e) / Math.abs(e);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

for (const g of fx.geoms) {
  test(`WcsGeom ${g.spec.name}: the WCS, npix and shape gammapy chooses`, () => {
    const geom = create(g.spec);
    assert.deepEqual([...geom.npix], g.npix);
    assert.deepEqual(geom.dataShape, g.dataShape);
    assert.deepEqual([...geom.wcs.crpix], g.wcs.crpix);
    assert.deepEqual([...geom.wcs.cdelt], g.wcs.cdelt);
    assert.deepEqual([...geom.wcs.crval], g.wcs.crval);
    assert.deepEqual([...geom.wcs.params.ctype], g.wcs.ctype);
    assert.equal(geom.wcs.lonpole, g.wcs.lonpole);
    assert.ok(Math.abs(geom.wcs.latpole - g.wcs.latpole) < 1e-9);
    assert.ok(maxAbsDiff(geom.width, g.width) < 1e-12);
    assert.ok(maxAbsDiff(geom.pixelScales, g.pixelScales) < 1e-15);
    assert.ok(maxAbsDiff(geom.centerPix.slice(0, 2), g.centerPix) < 1e-15);
    assert.equal(geom.isAllsky, g.isAllsky);
    if (g.centerSkydir[0] !== null) {
      const c = geom.centerSkydir;
      assert.ok(maxAbsDiff([c.lon, c.lat], g.centerSkydir, 360) < 1e-9);
    }
  });

  test(`WcsGeom ${g.spec.name}: pixel centres, solid angles, separations equal gammapy`, () => {
    const geom = create(g.spec);
    const coord = geom.toImage().pixToCoord([g.samplePix.x, g.samplePix.y]);
    assert.ok(maxAbsDiff(coord.lon, g.centers.lon) < 1e-9);
    assert.ok(maxAbsDiff(coord.lat, g.centers.lat) < 1e-9);
    const solid = geom.solidAngle();
    const sampled = g.samplePix.x.map((x: number, i: number) => solid[g.samplePix.y[i] * geom.nx + x]);
    assert.ok(maxRelDiff(sampled, g.solidAngle) < 1e-9, `solid angle ${maxRelDiff(sampled, g.solidAngle)}`);
    let sum = 0;
    for (const v of solid) if (!Number.isNaN(v)) sum += v;
    assert.ok(Math.abs(sum - g.solidAngleSum) / g.solidAngleSum < 1e-9);
    const sep = geom.separation(new SkyCoord(g.separation.lon, g.separation.lat, g.spec.frame));
    const sepSampled = g.samplePix.x.map((x: number, i: number) => sep[g.samplePix.y[i] * geom.nx + x]);
    assert.ok(maxAbsDiff(sepSampled, g.separation.values) < 1e-9);
  });

  test(`WcsGeom ${g.spec.name}: world → pixel → index equal gammapy`, () => {
    const geom = create(g.spec).toImage();
    const input = { lon: g.worldToPix.lon, lat: g.worldToPix.lat, frame: g.spec.frame };
    const [x, y] = geom.coordToPix(input);
    assert.ok(maxAbsDiff(x, g.worldToPix.x) < 1e-9);
    assert.ok(maxAbsDiff(y, g.worldToPix.y) < 1e-9);
    const [ix, iy] = geom.coordToIdx(input);
    assert.deepEqual([...ix], g.worldToPix.ix);
    assert.deepEqual([...iy], g.worldToPix.iy);
  });

  test(`WcsGeom ${g.spec.name}: cutouts (edges included) and toBinsz equal gammapy`, () => {
    const geom = create(g.spec);
    for (const c of g.cutouts) {
      const position = new SkyCoord(c.lon ?? 0, c.lat ?? 0, g.spec.frame);
      if (c.error) {
        if (c.lon === null) continue; // the position itself is outside the projection
        assert.throws(() => geom.cutout(position, c.width));
        continue;
      }
      const cut = geom.cutout(position, c.width);
      assert.deepEqual([...cut.npix], c.npix, c.label);
      assert.ok(maxAbsDiff(cut.wcs.crpix, c.crpix) < 1e-9, c.label);
      assert.ok(cut.isAligned(geom), c.label);
      const slices = cut.cutoutSlices(geom);
      assert.deepEqual(
        slices.parent.map((s) => [s.start, s.stop]),
        c.parentSlices,
        c.label,
      );
      assert.deepEqual(
        slices.cutout.map((s) => [s.start, s.stop]),
        c.cutoutSlices,
        c.label,
      );
    }
    const coarse = geom.toBinsz(g.toBinsz.binsz);
    assert.deepEqual([...coarse.npix], g.toBinsz.npix);
    assert.ok(maxAbsDiff(coarse.wcs.crpix, g.toBinsz.crpix) < 1e-12);
  });
}

test("spec examples: npix from width, solid angle of 1° pixels", () => {
  const geom = WcsGeom.create({ width: [10, 5], binsz: 0.5 });
  assert.deepEqual([...geom.npix], [20, 10]);
  assert.deepEqual([...WcsGeom.create({ skydir: [83.63, 22.01], width: "5 deg", binsz: "0.02 deg" }).npix], [250, 250]);
  const deg1 = WcsGeom.create({ npix: [10, 10], binsz: 1 });
  const omega = deg1.solidAngle();
  assert.ok(Math.abs(omega[4 * 10 + 4] - 3.046e-4) < 5e-7);
  assert.ok(Math.abs(omega[9 * 10 + 4] - 3.038e-4) < 5e-7);
  assert.equal(WcsGeom.create({ coordsys: "GAL" }).frame, "galactic");
});

test("derived geometries: image, cube, squash, up/downsample, pad/crop, equality", () => {
  const energy = MapAxis.fromEnergyBounds(1, 10, 4, { unit: "TeV" });
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.1, axes: [energy] });
  assert.deepEqual(geom.toImage().dataShape, [20, 20]);
  assert.deepEqual(geom.toImage().toCube([energy]).dataShape, [4, 20, 20]);
  assert.deepEqual(geom.squash("energy").dataShape, [1, 20, 20]);
  assert.deepEqual(geom.upsample(2).dataShape, [4, 40, 40]);
  assert.ok(geom.upsample(2).downsample(2).equals(geom));
  assert.ok(geom.pad(3).crop(3).equals(geom));
  assert.ok(!geom.equals(geom.toImage()));
  assert.throws(() => geom.downsample(3), /not divisible/);
  assert.throws(() => geom.squash("rad"), /no axis named 'rad'/);
  const shifted = geom.pad(2);
  assert.ok(shifted.isAligned(geom) && !shifted.equals(geom));
  assert.ok(!WcsGeom.create({ skydir: [83.6, 22.01], width: 2, binsz: 0.1, axes: [energy] }).isAligned(geom));
});

test("a geometry too large to allocate is refused with its size", () => {
  assert.throws(
    () => WcsGeom.create({ width: 360, binsz: 0.001, axes: [MapAxis.fromEnergyBounds(1, 10, 100, { unit: "TeV" })] }),
    /too large/,
  );
});

test("maps and datasets too large for the memory budget are refused before allocating, with their sizes", async () => {
  const { MapDataset, WcsNDMap, setMaxMapBytes } = await import("../src/index.js");
  const energy = MapAxis.fromEnergyBounds(1, 10, 40, { unit: "TeV" });
  const geom = WcsGeom.create({ width: 60, binsz: 0.01, axes: [energy] }); // 6000×6000×40 float64 = 10.7 GiB
  assert.throws(
    () => WcsNDMap.fromGeom(geom, { dtype: "float64" }),
    /40×6000×6000 float64 need 10\.73 GiB, more than the 8\.00 GiB allowed/,
  );
  const previous = setMaxMapBytes(2 ** 20);
  try {
    const small = WcsGeom.create({
      width: 5,
      binsz: 0.02,
      axes: [MapAxis.fromEnergyBounds(1, 10, 11, { unit: "TeV" })],
    });
    assert.throws(
      () => MapDataset.create(small, { name: "big" }),
      /MapDataset.create 'big': counts 11×250×250 float32, .*edisp .* need .* GiB/,
    );
  } finally {
    setMaxMapBytes(previous);
  }
});

test(
  "cutouts and crops (and their precise twins) take their pixel positions " +
    "and solid angles from the parent grid, bit for bit as computed afresh",
  async () => {
    const { Wcs2D } = await import("../src/maps/wcs/index.js");
    const energy = MapAxis.fromEnergyBounds(1, 10, 2, { unit: "TeV" });
    const parents = [
      WcsGeom.create({ skydir: [83.63, 22.01], width: 5, binsz: 0.02, axes: [energy] }), // CAR off the equator
      WcsGeom.create({ skydir: [184.56, -5.78], width: [4, 3], binsz: 0.05, frame: "galactic", proj: "TAN" }),
      WcsGeom.create({ skydir: [329.71694, -30.2255], width: 5, binsz: 0.2 }), // IRF-map pixels
    ];
    const { solidAngleFromCorners } = await import("../src/maps/solid-angle.js");
    // computed afresh from the WCS (not through geometries: those share cached arrays by grid)
    const grid = (nx: number, ny: number, offset: number) => ({
      x: Float64Array.from({ length: nx * ny }, (_, i) => (i % nx) + offset),
      y: Float64Array.from({ length: nx * ny }, (_, i) => Math.floor(i / nx) + offset),
    });
    const fresh = (g: WcsGeom) => {
      const plain = new Wcs2D({ ...g.wcs.params });
      const wcs = g.wcs.isPrecise ? plain.precise() : plain;
      const centers = grid(g.nx, g.ny, 0);
      const edges = grid(g.nx + 1, g.ny + 1, -0.5);
      const corners = wcs.pixToWorld(edges.x, edges.y);
      return {
        ...wcs.pixToWorld(centers.x, centers.y),
        solidAngle: solidAngleFromCorners(corners.lon, corners.lat, g.nx, g.ny),
      };
    };
    let windows = 0;
    for (const parent of parents) {
      const c = parent.centerSkydir;
      for (const [dl, db, width] of [
        [0.6, -0.4, 6],
        [-1.1, 0.7, 2],
        [0.01, 0.03, 0.5],
        [0, 0, 10],
      ] as const) {
        const cut = parent.cutout(new SkyCoord(c.lon + dl, c.lat + db, c.frame), `${width} deg`);
        // also the correctly rounded twins (as masks are re-projected with)
        for (const g of (cut.nx > 2 && cut.ny > 2 ? [cut, cut.crop(1)] : [cut]).flatMap((c) => [c, c.precise()])) {
          const want = fresh(g);
          assert.deepEqual(g.imageCoord("center").lon, want.lon);
          assert.deepEqual(g.imageCoord("center").lat, want.lat);
          assert.deepEqual(g.solidAngle(), want.solidAngle);
          windows++;
        }
      }
    }
    assert.ok(windows >= 20, `${windows} geometries compared`);
  },
);

test("imageCoordIn: pixel centres in another frame, kept per grid, a cutout's from its parent's", () => {
  const geom = WcsGeom.create({ skydir: [347.34, -0.47], frame: "galactic", width: 2, binsz: 0.1 });
  const { lon, lat } = geom.imageCoord("center");
  const expected = transformFrame(lon, lat, "galactic", "icrs");
  const icrs = geom.imageCoordIn("icrs");
  assert.deepEqual([...icrs.lon], [...expected.lon]);
  assert.deepEqual([...icrs.lat], [...expected.lat]);
  assert.equal(geom.imageCoordIn("icrs"), icrs, "kept for the grid");
  assert.equal(geom.imageCoordIn("galactic").lon, geom.imageCoord("center").lon, "its own frame: imageCoord's");
  const cut = geom.cutout(new SkyCoord(347.6, -0.2, "galactic"), 1);
  assert.ok(cut.gridWindow, "a window of the grid");
  const own = cut.imageCoord("center");
  const fromCut = transformFrame(own.lon, own.lat, "galactic", "icrs");
  const cutIcrs = cut.imageCoordIn("icrs");
  assert.deepEqual([...cutIcrs.lon], [...fromCut.lon]);
  assert.deepEqual([...cutIcrs.lat], [...fromCut.lat]);
});

test("imageVectorsIn: the pixel centres' unit vectors, kept per grid, a cutout's cut from its parent's", async () => {
  const { unitVectors } = await import("../src/coords/index.js");
  const geom = WcsGeom.create({ skydir: [347.34, -0.47], frame: "galactic", width: 2, binsz: 0.1 });
  const vectors = geom.imageVectorsIn("icrs");
  const expected = unitVectors(geom.imageCoordIn("icrs"));
  for (const k of ["x", "y", "z"] as const) assert.deepEqual([...vectors[k]], [...expected[k]], k);
  assert.equal(geom.imageVectorsIn("icrs"), vectors, "kept for the grid");
  const cut = geom.cutout(new SkyCoord(347.6, -0.2, "galactic"), 1);
  const own = unitVectors(cut.imageCoordIn("icrs"));
  const cutVectors = cut.imageVectorsIn("icrs");
  for (const k of ["x", "y", "z"] as const) assert.deepEqual([...cutVectors[k]], [...own[k]], `cutout ${k}`);
  // the separations from them equal the Vincenty form's
  const { lon, lat } = geom.imageCoord("center");
  const { separationDeg } = await import("../src/coords/index.js");
  const want = separationDeg(347.5, -0.3, lon, lat);
  const got = geom.separation(new SkyCoord(347.5, -0.3, "galactic"));
  assert.ok(
    got.every((s, i) => Math.abs(s - want[i]) < 1e-12),
    "separation",
  );
});
