import { test } from "node:test";
import assert from "node:assert/strict";
import { DataStore, Irf, MapAxis, WcsGeom, type Observation } from "@gammaflow/core";
import { normalizeAlongAxis } from "@gammaflow/core/internals";
import { toStorePath } from "@gammaflow/core/node";
import { axisNormalization, evaluateAtOffsets, evaluateOnImage, type OtherAxisValues } from "../src/offset-table.js";
import { BUNDLED_HESS } from "./stores.js";

const store = DataStore.fromDir(toStorePath(BUNDLED_HESS));
const runs: Observation[] = [store.obs(23523), store.obs(23592)];

/** Largest relative difference; values that are not the same number (NaN, −0 against +0) count as Infinity. */
function worstRelative(actual: Float64Array, expected: Float64Array): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Object.is(a, e)) continue;
    const rel = Math.abs(a - e) / Math.max(Math.abs(a), Math.abs(e));
    worst = Math.max(worst, Number.isNaN(rel) ? Infinity : rel);
  }
  return worst;
}

/** `irf.evaluateOuter` on the expanded coordinates: the reference. */
function reference(
  irf: Irf,
  first: ArrayLike<number>,
  offsets: ArrayLike<number>,
  other?: OtherAxisValues,
): Float64Array {
  const nOther = other ? other.values.length : 1;
  const n = offsets.length;
  const offset = new Float64Array(nOther * n);
  const values = new Float64Array(nOther * n);
  for (let c = 0; c < nOther; c++) {
    offset.set(offsets, c * n);
    if (other) values.fill(other.values[c], c * n, (c + 1) * n);
  }
  return irf.evaluateOuter(first, other ? { offset, [other.name]: values } : { offset });
}

// offsets inside the IRFs' offset axis (0–2.5° nodes, edges −0.25–2.75°), between its nodes
// and beyond them, outside its edges on both sides, exactly on an edge, and NaN
const OFFSETS = Float64Array.from([
  ...Array.from({ length: 120 }, (_, i) => (i * 4.2) / 119),
  -0.25,
  -0.2,
  -0.3,
  -1,
  2.75,
  2.7499999,
  2.7500001,
  0,
  2.5,
  1,
  NaN,
  7,
]);
// true energies inside the IRFs' axes and beyond their edges (0.01–100 TeV), and NaN
const ENERGIES = Float64Array.from([0.005, 0.0101, 0.0104, 0.03, 0.1, 0.5, 0.9, 1, 2.5, 10, 31.6, 99, 100, 150, NaN]);
const RAD: OtherAxisValues = {
  name: "rad",
  values: Float64Array.from([0, 0.003, 0.005, 0.05, 0.2, 0.4, 0.66, 0.6656, 0.7, 1, NaN]),
};
const MIGRA: OtherAxisValues = {
  name: "migra",
  values: Float64Array.from([0.1, 0.2, 0.21, 0.5, 0.98, 1, 1.02, 3, 4.99, 5, 6, NaN]),
};

for (const obs of runs) {
  const cases: Array<[string, Irf, OtherAxisValues | undefined]> = [
    ["aeff", obs.aeff, undefined],
    ["psf", obs.psf as Irf, RAD],
    ["edisp", obs.edisp, MIGRA],
  ];
  for (const [name, irf, other] of cases) {
    test(`run ${obs.obsId} ${name}: offset table = Irf.evaluateOuter within 1e-12, in and out of each axis`, () => {
      assert.ok(irf instanceof Irf);
      const got = evaluateAtOffsets(irf, ENERGIES, OFFSETS, other);
      const want = reference(irf, ENERGIES, OFFSETS, other);
      assert.ok(worstRelative(got, want) <= 1e-12, `worst relative difference ${worstRelative(got, want)}`);
      // the live time of an exposure multiplies every value, fill values too
      const scaled = evaluateAtOffsets(irf, ENERGIES, OFFSETS, other, { factor: 1234.5 });
      assert.ok(
        worstRelative(
          scaled,
          want.map((v) => v * 1234.5),
        ) <= 1e-12,
      );
    });
  }

  test(`run ${obs.obsId}: PSF, EDisp normalised in one pass = normalizeAlongAxis ∘ evaluateOuter within 1e-12`, () => {
    for (const [irf, axis] of [
      [obs.psf as Irf, MapAxis.fromBounds(0, 0.66, 66, { name: "rad", unit: "deg" })],
      [obs.edisp, MapAxis.fromBounds(0.2, 5, 48, { name: "migra", unit: "" })],
    ] as const) {
      const other = { name: axis.name, values: axis.center };
      const normalize = axisNormalization(axis);
      const got = evaluateAtOffsets(irf, ENERGIES, OFFSETS, other, { normalize });
      const want = reference(irf, ENERGIES, OFFSETS, other);
      normalizeAlongAxis(want, axis.nbin, OFFSETS.length, normalize.width, normalize.jacobianCenters);
      assert.ok(
        worstRelative(got, want) <= 1e-12,
        `${axis.name}: worst relative difference ${worstRelative(got, want)}`,
      );
    }
  });
}

test("evaluateOnImage equals evaluateAtOffsets at the image's separations, the second time too (cached cells)", () => {
  const obs = runs[0];
  // 7° wide: the corners lie beyond the offset axis' upper edge (2.75°)
  const geom = WcsGeom.create({
    skydir: [obs.pointingRadec.lon + 0.7, obs.pointingRadec.lat - 0.4],
    width: 7,
    binsz: 0.1,
    frame: "icrs",
  });
  const offsets = geom.separation(obs.pointingRadec);
  assert.ok(offsets.some((o) => o > 2.75));
  for (let pass = 0; pass < 2; pass++) {
    const got = evaluateOnImage(obs.psf as Irf, ENERGIES, geom, obs.pointingRadec, RAD);
    assert.equal(worstRelative(got, evaluateAtOffsets(obs.psf as Irf, ENERGIES, offsets, RAD)), 0);
    const pointing = obs.pointingRadec.transformTo("galactic");
    const galactic = evaluateOnImage(obs.aeff, ENERGIES, geom, pointing);
    assert.ok(worstRelative(galactic, reference(obs.aeff, ENERGIES, geom.separation(pointing))) <= 1e-12);
  }
});

test("IRFs without fill value (extrapolated everywhere) or with log-scaled values keep evaluateOuter's results", () => {
  const aeff = runs[0].aeff;
  const extrapolated = new Irf(aeff.tag, aeff.axes, aeff.data, aeff.unit, aeff.meta, { fillValue: null });
  assert.ok(
    worstRelative(evaluateAtOffsets(extrapolated, ENERGIES, OFFSETS), reference(extrapolated, ENERGIES, OFFSETS)) <=
      1e-12,
  );
  // log-scaled values take the general path: the same numbers
  const log = new Irf(aeff.tag, aeff.axes, aeff.data, aeff.unit, aeff.meta, { fillValue: 0, valuesScale: "log" });
  assert.equal(worstRelative(evaluateAtOffsets(log, ENERGIES, OFFSETS), reference(log, ENERGIES, OFFSETS)), 0);
  // a fill value other than 0 is written where the IRF fills
  const filled = new Irf(aeff.tag, aeff.axes, aeff.data, aeff.unit, aeff.meta, { fillValue: -1 });
  assert.ok(worstRelative(evaluateAtOffsets(filled, ENERGIES, OFFSETS), reference(filled, ENERGIES, OFFSETS)) <= 1e-12);
});

test("evaluateAtOffsets names what it cannot do", () => {
  const obs = runs[0];
  assert.throws(() => evaluateAtOffsets(obs.aeff, ENERGIES, OFFSETS, RAD), /not a valid coordinate axis: rad/);
  const normalize = axisNormalization(MapAxis.fromBounds(0, 0.66, 66, { name: "rad", unit: "deg" }));
  assert.throws(
    () => evaluateAtOffsets(obs.psf as Irf, ENERGIES, OFFSETS, RAD, { normalize, factor: 2 }),
    /take no factor/,
  );
});
