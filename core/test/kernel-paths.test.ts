import { test } from "node:test";
import assert from "node:assert/strict";
import { SkyCoord } from "../src/coords/index.js";
import { maskOnGeom, PSFMap } from "../src/datasets/index.js";
import { stackIrfMap } from "../src/datasets/stack.js";
import { kernelPaths, setKernelPaths, withKernelPaths, type KernelPaths } from "../src/index.js";
import { MapAxis, WcsGeom, WcsNDMap } from "../src/maps/index.js";
import { ScaledRegularGridInterpolator, type InterpScale } from "../src/utils/interpolation/index.js";
import { readDataset } from "../src/nodejs/index.js";
import { fixturePath, maxAbsDiff, random, sameBits } from "./fixtures.js";

test("setKernelPaths returns the previous setting, refuses others; withKernelPaths restores after a throw", () => {
  assert.equal(kernelPaths(), "tuned");
  assert.equal(setKernelPaths("reference"), "tuned");
  assert.equal(setKernelPaths("tuned"), "reference");
  assert.throws(() => setKernelPaths("fast" as KernelPaths), /kernel paths must be "tuned" or "reference", got "fast"/);
  assert.throws(() =>
    withKernelPaths("reference", () => {
      assert.equal(kernelPaths(), "reference");
      throw new Error("inside");
    }),
  );
  assert.equal(kernelPaths(), "tuned");
});

/** `fn` with the tuned kernels and with the reference paths. */
function bothWays<T>(fn: () => T): [T, T] {
  return [withKernelPaths("tuned", fn), withKernelPaths("reference", fn)];
}

test("evaluateOuter: the fused linear loops give the cell-by-cell evaluation's bits (log values: within 2 ulp)", () => {
  const next = random(7);
  const grid = [
    Float64Array.from({ length: 9 }, (_, i) => 0.1 * 1.5 ** i),
    Float64Array.from({ length: 6 }, (_, i) => 0.5 * i),
    Float64Array.from({ length: 4 }, (_, i) => i),
  ];
  // many first values sharing cells (node planes) and a few in cells of their own (row by row)
  const firsts = [Float64Array.from({ length: 13 }, () => 0.05 + next() * 3), Float64Array.of(0.12, 0.5, 1.9)];
  for (const ndim of [2, 3]) {
    const points = grid.slice(0, ndim);
    const values = Float64Array.from({ length: points.reduce((n, p) => n * p.length, 1) }, () => next() * 10 + 0.01);
    const rest = points.slice(1).map(() => Float64Array.from({ length: 50 }, () => next() * 3));
    for (const valueScale of ["lin", "log"] as const) {
      const interp = new ScaledRegularGridInterpolator(points, values, {
        pointsScale: ["log", "lin", "lin"].slice(0, ndim) as InterpScale[],
        valuesScale: valueScale,
      });
      for (const first of firsts) {
        const what = `evaluateOuter (${ndim}-d, ${first.length} first values, ${valueScale} values)`;
        const [tuned, reference] = bothWays(() => interp.evaluateOuter(first, rest));
        if (valueScale === "lin") sameBits(tuned, reference, what);
        else {
          // log values come back through fastExp (within 2 ulp of Math.exp)
          for (let i = 0; i < tuned.length; i++) {
            const rel = Math.abs(tuned[i] - reference[i]) / reference[i];
            assert.ok(rel <= 1e-15, `${what}[${i}]: ${tuned[i]} vs ${reference[i]}`);
          }
        }
      }
    }
  }
});

test("stackIrfMap (fused) and maskOnGeom (derived pixel mapping) give the reference paths' bits", () => {
  const energy = MapAxis.fromEnergyBounds(1, 10, 3, { name: "energy_true", unit: "TeV" });
  const parent = WcsGeom.create({ skydir: [83.63, 22.01], npix: [40, 30], binsz: 0.05, axes: [energy] });
  const cutout = parent.cutout(new SkyCoord(83.9, 22.2), [1.2, 0.8]);
  const next = random(11);
  const filled = (geom: WcsGeom, dtype: "float32" | "float64") => {
    const map = WcsNDMap.fromGeom(geom, { dtype });
    map.data.forEach((_, i) => (map.data[i] = next() < 0.05 ? 0 : next() * 100));
    return map;
  };
  // a cutout of the mask's grid too: maskOnGeom derives the mapping from the parents'
  const maskGeom = parent.toImage().cutout(new SkyCoord(83.7, 22.0), [1.6, 1.2]);
  assert.ok(maskGeom.gridWindow && cutout.gridWindow, "both are cutouts");
  const mask = WcsNDMap.fromGeom(maskGeom, { dtype: "bool" });
  mask.data.forEach((_, i) => (mask.data[i] = next() < 0.7 ? 1 : 0));
  const irf = filled(parent, "float32");
  const exposure = filled(parent, "float32");
  const otherIrf = filled(cutout, "float32");
  const otherExposure = filled(cutout, "float32");
  const [tuned, reference] = bothWays(() => {
    const weights = maskOnGeom(mask, cutout);
    const [a, b] = [WcsNDMap.fromGeom(parent, { data: irf.data.slice() }), exposure.copy()];
    stackIrfMap(a, b, otherIrf, otherExposure, weights);
    return { weights: weights.data, irf: a.data, exposure: b.data };
  });
  sameBits(tuned.weights, reference.weights, "mask on the cutout");
  sameBits(tuned.irf, reference.irf, "stacked IRF map");
  sameBits(tuned.exposure, reference.exposure, "stacked exposure");
});

test("PSF kernels: the table projection equals the sub-pixel interpolation (corners, off-node energies)", () => {
  // the real PSF map of a 2-run Crab stack: kernels whose corners lie beyond the rad table
  const crab = readDataset(fixturePath("npred_dataset.fits.gz"));
  const psf = crab.psf!;
  const geom = crab.exposure!.geom;
  const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
    assert.equal(a.length, b.length, what);
    let worst = 0;
    for (let i = 0; i < a.length; i++)
      worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-300));
    assert.ok(worst < 1e-12 || maxAbsDiff(a, b) < 1e-15, `${what}: relative difference ${worst}`);
  };
  for (const [lon, lat] of [
    [83.633, 22.014],
    [83.4, 22.3],
  ]) {
    const position = new SkyCoord(lon, lat);
    const [tuned, reference] = bothWays(() => psf.getPsfKernel(geom, { position, containment: 0.999 }));
    assert.deepEqual(tuned.shape, reference.shape);
    close(tuned.data, reference.data, `Crab stack at (${lon}, ${lat})`);
  }
  // a kernel geometry whose true energies fall between the PSF map's nodes, twice as wide as the table
  const energyTrue = MapAxis.fromEnergyBounds(1.2, 8, 5, { name: "energy_true", unit: "TeV" });
  const between = WcsGeom.create({ skydir: [83.63, 22.01], npix: [40, 40], binsz: 0.02, axes: [energyTrue] });
  const [tuned, reference] = bothWays(() => psf.getPsfKernel(between, { maxRadius: 0.8 }));
  close(tuned.data, reference.data, "energies between nodes");
  // negative table values: the interpolated values are clipped one by one (the projection declines)
  const negative = new PSFMap(
    WcsNDMap.fromGeom(psf.psfMap.geom, { data: psf.psfMap.data.map((v, i) => (i % 7 ? v : -v)) }),
  );
  const [a, b] = bothWays(() => negative.getPsfKernel(geom, { maxRadius: 0.3 }));
  close(a.data, b.data, "negative table");
});
