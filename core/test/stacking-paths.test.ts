// The paths that stack a run's dataset, reduce its safe mask and fill its counts give bit for
// bit what the direct (elementwise) rules give: masks OR-ed four bytes at a time, runs of
// whole planes, the background stacked in place, IRF maps through packed per-pixel values,
// flat indices without per-axis arrays, and the fast and precise sky rotations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SkyCoord } from "../src/coords/index.js";
import { maskOnGeom, MapDataset } from "../src/datasets/index.js";
import { FoVBackgroundModel, PowerLawNormSpectralModel } from "../src/modeling/index.js";
import { stackIrfMap } from "../src/datasets/stack.js";
import { MapAxis, WcsGeom, WcsNDMap, type MapData } from "../src/maps/index.js";
import { random, sameBits } from "./fixtures.js";

const ENERGY = MapAxis.fromBounds(1, 10, 3, { name: "energy", unit: "TeV", interp: "log" });

/** A bool map whose data is a view starting `offset` bytes into its buffer (to shift word boundaries). */
function maskAt(geom: WcsGeom, offset: number, fill: (i: number) => number): WcsNDMap {
  const data = new Uint8Array(new ArrayBuffer(geom.size + offset), offset, geom.size);
  data.forEach((_, i) => (data[i] = fill(i)));
  return WcsNDMap.fromGeom(geom, { dtype: "bool", data });
}

// 40 × 30 pixels: planes long enough to go by words; 41 × 29: planes starting off word boundaries
for (const [nx, ny] of [
  [40, 30],
  [41, 29],
]) {
  const parent = WcsGeom.create({ skydir: [10, -20], npix: [nx, ny], binsz: 0.1, axes: [ENERGY] });
  const cutout = parent.cutout(new SkyCoord(10.3, -20.2), [2.5, 1.5]);

  test(
    // biome-ignore lint/style/useTemplate: split to keep the line within 120 characters
    `stackMask (${nx}×${ny}) equals adding the masks and making them 0/1, ` + "also for cutouts and shifted views",
    () => {
      const rnd = random(nx);
      for (const [other, offsets] of [
        [parent, [0, 1, 2, 3]],
        [cutout, [0, 3]],
      ] as const) {
        for (const selfOffset of offsets) {
          for (const otherOffset of offsets) {
            const values = [0, 1, 1, 3];
            const mine = maskAt(parent, selfOffset, () => values[Math.floor(rnd() * 4)]);
            const theirs = maskAt(other, otherOffset, () => values[Math.floor(rnd() * 4)]);
            const want = mine.copy();
            want.stack(theirs);
            want.data.forEach((v, i) => (want.data[i] = v ? 1 : 0));
            mine.stackMask(theirs);
            sameBits(mine.data, want.data, `${other === parent ? "equal" : "cutout"} ${selfOffset}/${otherOffset}`);
          }
        }
      }
      assert.throws(() => WcsNDMap.fromGeom(parent).stackMask(maskAt(parent, 0, () => 1)), /masks hold bytes/);
    },
  );

  test(`a bool map reduced over its axes (${nx}×${ny}) is the bitwise OR of its planes, also for shifted views`, () => {
    const rnd = random(nx + 1);
    for (const offset of [0, 1, 2]) {
      const mask = maskAt(parent, offset, () => (rnd() < 0.3 ? [1, 2, 4][Math.floor(rnd() * 3)] : 0));
      const n = parent.imageSize;
      const want = new Uint8Array(n);
      for (let p = 0; p < ENERGY.nbin; p++) for (let i = 0; i < n; i++) want[i] |= mask.data[p * n + i];
      const image = mask.sumOverAxes();
      assert.equal(image.geom.isImage, true);
      sameBits(image.data, want, `offset ${offset}`);
    }
  });

  test(`WcsNDMap.stack by runs of whole planes (${nx}×${ny}) equals the elementwise rule, 2-D and 3-D weights`, () => {
    const rnd = random(nx + 2);
    for (const other of [parent, cutout]) {
      const target = WcsNDMap.fromGeom(parent);
      target.data.forEach((_, i) => (target.data[i] = rnd()));
      const source = WcsNDMap.fromGeom(other, { dtype: "float64" });
      source.data.forEach((_, i) => (source.data[i] = i % 17 === 0 ? -Infinity : rnd() - 0.3));
      for (const weights of [
        maskAt(other.toImage(), 0, (i) => (i % 5 === 0 ? 0 : 1)),
        maskAt(other, 0, (i) => (i % 7 === 0 ? 0 : 1)),
      ]) {
        const got = target.copy();
        got.stack(source, weights);
        const want = target.copy();
        const wn = weights.geom.imageSize;
        want.overlapRows(source, (selfStart, otherStart, length, plane) => {
          for (let i = 0; i < length; i++) {
            let v = source.data[otherStart + i];
            if (!Number.isFinite(v)) v = 0;
            const w = weights.data[weights.geom.isImage ? (otherStart + i) % wn : otherStart + i];
            want.data[selfStart + i] += v * w;
          }
          assert.ok(plane >= 0);
        });
        sameBits(
          got.data,
          want.data,
          `${other === parent ? "equal" : "cutout"}, ${weights.geom.isImage ? "2-D" : "3-D"} weights`,
        );
      }
    }
  });
}

test("coordToFlatIdx equals flatIndex(coordToIdx), in, on the edges of and outside the map", () => {
  const geom = WcsGeom.create({ skydir: [83.6, 22], npix: [9, 7], binsz: 0.1, axes: [ENERGY] });
  const rnd = random(21);
  const lon = Float64Array.from({ length: 400 }, () => 83.6 + (rnd() - 0.5) * 1.2);
  const lat = Float64Array.from({ length: 400 }, () => 22 + (rnd() - 0.5) * 1);
  const energy = Float64Array.from({ length: 400 }, () => 0.5 + rnd() * 12);
  // pixel edges (ties) and centres, a NaN
  const edges = geom.pixToCoord([
    [-0.5, 0, 3.5, 8.5, 4],
    [2.5, -0.5, 6.5, 3, NaN],
    [0, 1, 2, -0.5, 2.5],
  ]);
  const coord = {
    lon: Float64Array.of(...lon, ...edges.lon),
    lat: Float64Array.of(...lat, ...edges.lat),
    energy: Float64Array.of(...energy, ...edges.axis("energy")!),
  };
  const want = geom.flatIndex(geom.coordToIdx(coord));
  assert.ok(want.some((f) => f < 0) && want.some((f) => f >= 0));
  sameBits(geom.coordToFlatIdx(coord), want, "flat index");
  const counts = WcsNDMap.fromGeom(geom);
  counts.fillByCoord(coord);
  const reference = WcsNDMap.fromGeom(geom);
  reference.fillByIdx(geom.coordToIdx(coord));
  sameBits(counts.data, reference.data, "filled");
});

test(
  "the fast and the precise rotation (one formula in two copies) agree to 1e-9 pixel, " +
    "both ways, for every projection",
  () => {
    const rnd = random(33);
    for (const proj of ["CAR", "TAN", "SIN", "AIT"] as const) {
      for (const [skydir, frame] of [
        [[329.7, -30.2], "icrs"],
        [[0, 89.9], "icrs"],
        [[180, 0], "galactic"],
      ] as const) {
        const geom = WcsGeom.create({ skydir: [...skydir], npix: [60, 50], binsz: 0.1, proj, frame });
        const x = Float64Array.from({ length: 300 }, () => rnd() * 60 - 0.5);
        const y = Float64Array.from({ length: 300 }, () => rnd() * 50 - 0.5);
        const fast = geom.wcs.pixToWorld(x, y);
        const precise = geom.precise().wcs.pixToWorld(x, y);
        const back = geom.wcs.worldToPix(fast.lon, fast.lat);
        const backPrecise = geom.precise().wcs.worldToPix(fast.lon, fast.lat);
        for (let i = 0; i < x.length; i++) {
          const dLon = Math.abs(((fast.lon[i] - precise.lon[i] + 540) % 360) - 180);
          assert.ok(
            dLon * Math.cos((fast.lat[i] * Math.PI) / 180) < 1e-9 && Math.abs(fast.lat[i] - precise.lat[i]) < 1e-9,
            `${proj} ${skydir} world [${i}]`,
          );
          assert.ok(
            Math.abs(back.x[i] - backPrecise.x[i]) < 1e-9 && Math.abs(back.y[i] - backPrecise.y[i]) < 1e-9,
            `${proj} ${skydir} pix [${i}]`,
          );
          assert.ok(
            Math.abs(back.x[i] - x[i]) < 1e-6 && Math.abs(back.y[i] - y[i]) < 1e-6,
            `${proj} ${skydir} round trip [${i}]`,
          );
        }
      }
    }
  },
);

test(
  "maskOnGeom: the pixel mapping cached for one geometry serves other " +
    "geometry objects of the same grids (new ones, precise twins)",
  () => {
    const fine = WcsGeom.create({ skydir: [83.6, 22], width: 3, binsz: 0.02, axes: [ENERGY] });
    const coarse = fine.toImage().toBinsz(0.2);
    const mask = maskAt(fine, 0, (i) => (i % 11 < 6 ? 1 : 0)).sumOverAxes();
    const first = maskOnGeom(mask, coarse.toCube([ENERGY]));
    // the same grids as new geometry objects, and as their precise twins
    const fine2 = WcsGeom.create({ skydir: [83.6, 22], width: 3, binsz: 0.02 });
    const again = maskOnGeom(WcsNDMap.fromGeom(fine2, { dtype: "bool", data: mask.data }), fine2.toBinsz(0.2));
    const precise = maskOnGeom(
      WcsNDMap.fromGeom(fine.precise().toImage(), { dtype: "bool", data: mask.data }),
      coarse.precise(),
    );
    assert.equal(fine2.toBinsz(0.2).gridKey, coarse.gridKey);
    const { lon, lat } = coarse.precise().imageCoord("center");
    const values = mask.getByIdx(fine.precise().toImage().coordToIdx({ lon, lat, frame: coarse.frame }));
    const want = Uint8Array.from(values, (v) => (v ? 1 : 0));
    sameBits(first.data, want, "first");
    sameBits(again.data, want, "new objects");
    sameBits(precise.data, want, "precise twins");
  },
);

test(
  "maskOnGeom on cutouts (mapping derived from their parents' " +
    "offsets) equals the direct correctly rounded mapping bit for bit",
  () => {
    const rnd = random(21);
    const families = [
      WcsGeom.create({ skydir: [83.63, 22.01], width: 5, binsz: 0.02 }), // CAR off the equator, as the documented chain
      WcsGeom.create({ skydir: [184.56, -5.78], width: [4, 3], binsz: 0.05, frame: "galactic", proj: "TAN" }),
    ];
    let derived = 0;
    for (const fine of families) {
      const coarse = fine.toBinsz(fine.pixelScales[0] * 10); // IRF pixels whose centres lie on mask pixel edges
      const c = fine.centerSkydir;
      for (let k = 0; k < 12; k++) {
        const position = new SkyCoord(c.lon + (rnd() - 0.5) * 3, c.lat + (rnd() - 0.5) * 2, c.frame);
        const width = `${1 + rnd() * 5} deg`;
        const maskGeom = fine.cutout(position, width).toImage();
        const irfGeom = coarse.cutout(position, width);
        if (!maskGeom.gridWindow || !irfGeom.gridWindow) continue;
        derived++;
        const mask = maskAt(maskGeom, 0, () => (rnd() < 0.5 ? 1 : 0));
        const got = maskOnGeom(mask, irfGeom);
        const { lon, lat } = irfGeom.precise().imageCoord("center");
        const flat = maskGeom.flatIndex(maskGeom.precise().coordToIdx({ lon, lat, frame: irfGeom.frame }));
        const want = Uint8Array.from(flat, (f) => (f >= 0 && mask.data[f] ? 1 : 0));
        sameBits(
          got.data,
          want,
          `${fine.projection} cutout ${k} (${irfGeom.nx}×${irfGeom.ny} on ${maskGeom.nx}×${maskGeom.ny})`,
        );
      }
    }
    assert.ok(derived >= 20, `${derived} cutout pairs compared`);
  },
);

/**
 * Three passes, as gammapy: irf·exposure, + other·other exposure·factor·w over the overlap
 * (`other` on the same grid or a cutout of it), / stacked exposure.
 */
function irfReference(
  irf: WcsNDMap,
  exposure: WcsNDMap,
  other: WcsNDMap,
  otherExposure: WcsNDMap,
  factor: number,
  weights?: WcsNDMap,
): MapData {
  const out = irf.copy();
  const n = irf.geom.imageSize;
  const on = other.geom.imageSize;
  const perEnergy = irf.data.length / exposure.data.length;
  const stacked = exposure.copy();
  stacked.stack(otherExposure, weights);
  for (let p = 0; p < out.data.length / n; p++) {
    for (let i = 0; i < n; i++) out.data[p * n + i] *= exposure.data[Math.floor(p / perEnergy) * n + i];
  }
  out.overlapRows(other, (selfStart, otherStart, length, plane) => {
    for (let k = 0; k < length; k++) {
      const pixel = otherStart - plane * on + k;
      let v = other.data[otherStart + k] * otherExposure.data[Math.floor(plane / perEnergy) * on + pixel] * factor;
      if (!Number.isFinite(v)) v = 0;
      out.data[selfStart + k] += weights ? v * weights.data[pixel] : v;
    }
  });
  for (let p = 0; p < out.data.length / n; p++) {
    for (let i = 0; i < n; i++) {
      const q = out.data[p * n + i] / stacked.data[Math.floor(p / perEnergy) * n + i];
      out.data[p * n + i] = Number.isFinite(q) ? q : 0;
    }
  }
  return out.data;
}

test(
  "stackIrfMap equals the three passes bit for bit: " +
    "equal grids and cutouts (partly outside), float32 and float64, with and without weights",
  () => {
    const rnd = random(9);
    const energy = MapAxis.fromBounds(1, 10, 3, { name: "energy_true", unit: "TeV", interp: "log" });
    const rad = MapAxis.fromBounds(0, 0.3, 5, { name: "rad", unit: "deg" });
    const geom = WcsGeom.create({ skydir: [0, 0], npix: [7, 5], binsz: 0.2, axes: [rad, energy] });
    const others = [
      geom,
      geom.cutout(new SkyCoord(0.5, 0.3), "0.8 deg"), // inside, off centre
      geom.cutout(new SkyCoord(-0.7, -0.4), "1 deg"), // over a corner: trimmed
    ];
    let cutouts = 0;
    for (const otherGeom of others) {
      if (!otherGeom.equals(geom)) {
        assert.ok(otherGeom.imageSize < geom.imageSize, "a smaller grid");
        cutouts++;
      }
      for (const dtype of ["float32", "float64"] as const) {
        for (const withWeights of [true, false]) {
          const irf = WcsNDMap.fromGeom(geom, { dtype, unit: "sr-1" });
          irf.data.forEach((_, i) => (irf.data[i] = rnd()));
          const exposure = WcsNDMap.fromGeom(geom.squash("rad"), { unit: "m2 s" });
          exposure.data.forEach((_, i) => (exposure.data[i] = i % 5 === 0 ? 0 : rnd() * 1e9));
          const other = WcsNDMap.fromGeom(otherGeom, { dtype: "float64", unit: "deg-2" });
          other.data.forEach((_, i) => (other.data[i] = i % 13 === 0 ? Infinity : rnd()));
          const otherExposure = WcsNDMap.fromGeom(otherGeom.squash("rad"), { dtype: "float64", unit: "m2 s" });
          otherExposure.data.forEach((_, i) => (otherExposure.data[i] = i % 7 === 0 ? 0 : rnd() * 1e9));
          const weights = withWeights ? maskAt(otherGeom.toImage(), 0, (i) => (i % 3 === 0 ? 0 : 1)) : undefined;
          const want = irfReference(irf, exposure, other, otherExposure, (Math.PI / 180) ** -2, weights);
          const wantExposure = exposure.copy();
          wantExposure.stack(otherExposure, weights);
          stackIrfMap(irf, exposure, other, otherExposure, weights);
          const what =
            `${otherGeom.nx}×${otherGeom.ny} on ${geom.nx}×${geom.ny}, ` +
            `${dtype}, ${withWeights ? "weights" : "no weights"}`;
          sameBits(irf.data, want, what);
          sameBits(exposure.data, wantExposure.data, `${what}: exposure`);
        }
      }
    }
    assert.equal(cutouts, 2);
  },
);

/** Gives the dataset a FoVBackgroundModel with this norm and tilt. */
function withNorm(d: MapDataset, norm: number, tilt = 0): void {
  d.models = [new FoVBackgroundModel(d.name, new PowerLawNormSpectralModel({ norm, tilt }))];
}

/** A dataset on `geom` with random counts, background and a safe mask with holes. */
function dataset(geom: WcsGeom, seed: number): MapDataset {
  const rnd = random(seed);
  const ds = MapDataset.create(geom, { name: `d${seed}` });
  ds.counts.data.forEach((_, i) => (ds.counts.data[i] = Math.floor(rnd() * 3)));
  ds.background!.data.forEach((_, i) => (ds.background!.data[i] = i % 19 === 0 ? NaN : rnd() - 0.1));
  ds.maskSafe!.data.forEach((_, i) => (ds.maskSafe!.data[i] = rnd() < 0.8 ? 1 : 0));
  ds.exposure!.data.fill(1e9);
  ds.exposure!.meta.livetime = 100;
  return ds;
}

/**
 * The stacked background and mask as gammapy forms them: a copy of this npred background, 0 outside this mask, plus
 * other's within its mask.
 */
function referenceStack(mine: MapDataset, theirs: MapDataset): { background: MapData; mask: MapData } {
  const background = mine.npredBackground()!.copy();
  background.data.forEach((v, i) => (background.data[i] = mine.maskSafe!.data[i] ? v : 0));
  background.stack(theirs.npredBackground()!, theirs.maskSafe);
  const mask = mine.maskSafe!.copy();
  mask.data.forEach((v, i) => (mask.data[i] = v || theirs.maskSafe!.data[i] ? 1 : 0));
  return { background: background.data, mask: mask.data };
}

test(
  "MapDataset.stack: the background in place (or a new map " +
    "with a model) and the OR-ed safe mask equal gammapy's rule",
  () => {
    const geom = WcsGeom.create({ skydir: [10, -20], npix: [40, 30], binsz: 0.1, axes: [ENERGY] });
    for (const models of ["none", "mine", "theirs", "both"]) {
      const mine = dataset(geom, 1);
      const theirs = dataset(geom, 2);
      if (models === "mine" || models === "both") withNorm(mine, 1.2, 0.1);
      if (models === "theirs" || models === "both") withNorm(theirs, 0.8, -0.2);
      const want = referenceStack(mine, theirs);
      const template = mine.background!;
      const theirsBefore = theirs.background!.data.slice();
      mine.stack(theirs);
      sameBits(mine.background!.data, want.background, `background, models: ${models}`);
      sameBits(mine.maskSafe!.data, want.mask, `mask, models: ${models}`);
      assert.equal(
        mine.background === template,
        models === "none" || models === "theirs",
        "the template itself is updated unless a model scales it",
      );
      assert.equal(mine.models, undefined, "the stack's background model is gone: its map holds the scaling");
      sameBits(theirs.background!.data, theirsBefore, "the other dataset is left as it was");
      assert.equal(mine.exposure!.meta.livetime, 200);
    }
    // a dataset stacked onto itself: its background is read before it is changed
    const self = dataset(geom, 3);
    const want = referenceStack(self, self.copy());
    self.stack(self);
    sameBits(self.background!.data, want.background, "stacked onto itself");
    // two datasets sharing one background map (the other one with a model): the other keeps it
    const a = dataset(geom, 6);
    const b = dataset(geom, 7);
    b.background = a.background;
    withNorm(b, 0.5);
    const shared = a.background!.data.slice();
    const wantShared = referenceStack(a, b);
    a.stack(b);
    sameBits(a.background!.data, wantShared.background, "shared background");
    sameBits(b.background!.data, shared, "the other dataset's background is left as it was");
    // a run whose safe mask is empty adds no live time
    const empty = dataset(geom, 4);
    empty.maskSafe!.data.fill(0);
    const stacked = dataset(geom, 5);
    stacked.stack(empty);
    assert.equal(stacked.exposure!.meta.livetime, 100);
  },
);
