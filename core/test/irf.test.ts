import { test } from "node:test";
import assert from "node:assert/strict";
import { edispKernelAtOffset, EnergyDependentMultiGaussPSF, loadIrf, PSFKing, psfTable } from "../src/irf/index.js";
import { MapAxis } from "../src/maps/index.js";
import { readFits } from "../src/nodejs/index.js";
import { DATA, fixturePath, readFixture } from "./fixtures.js";

const cases = readFixture("irf_parity.json");
const CLASS: Record<string, string> = { aeff: "aeff_2d", edisp: "edisp_2d", psf: "psf_table", bkg: "bkg_3d" };

for (const c of cases) {
  for (const [type, want] of Object.entries<any>(c.irfs)) {
    const name = `${c.label} ${type}: axes and values on a grid (in and out of range) equal gammapy 1.0 within 1e-6`;
    test(name, DATA.needs(c.file), () => {
      const irf = loadIrf(readFits(DATA.path(c.file)).table(want.hdu), CLASS[type]);
      assert.deepEqual(
        irf.axes.map((a) => a.name),
        want.axes.map((a: any) => a.name),
      );
      want.axes.forEach((a: any, i: number) => {
        const edges = irf.axes[i].edges;
        assert.equal(edges.length, a.edges.length, `${a.name} edges`);
        a.edges.forEach((e: number, k: number) =>
          assert.ok(Math.abs(edges[k] - e) <= 1e-6 * Math.max(1, Math.abs(e)), `${a.name} edge ${k}`),
        );
      });
      let sum = 0;
      for (const v of irf.data) sum += v;
      assert.ok(Math.abs(sum - want.dataSum) <= 1e-6 * Math.abs(want.dataSum), `data sum ${sum} vs ${want.dataSum}`);
      const values = irf.evaluate(want.coords);
      const scale = Math.max(...want.values.map(Math.abs));
      let worst = 0;
      want.values.forEach((e: number, i: number) => {
        const d = Math.abs(values[i] - e);
        // relative to the value, with a floor of 1e-12 of the table's scale for near-zero values
        const rel = d / Math.max(Math.abs(e), 1e-12 * scale);
        if (rel > worst) worst = rel;
      });
      assert.ok(worst <= 1e-6, `worst relative difference ${worst}`);
    });
  }
}

const MAGIC_RUN = "magic/rad_max/data/20131004_05029747_DL3_CrabNebula-W0.40+035.fits";

test("IRF evaluation names bad coordinates and point-like IRFs are refused for 3D use", DATA.needs(MAGIC_RUN), () => {
  const file = readFits(DATA.path("hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz"));
  const aeff = loadIrf(file.table("AEFF"), "aeff_2d");
  assert.throws(() => aeff.evaluate({ energy_true: 1 }), /missing coordinate 'offset'/);
  assert.throws(() => aeff.evaluate({ energy_true: 1, offset: 0, rad: 1 }), /not a valid coordinate axis: rad/);
  assert.throws(() => loadIrf(file.table("AEFF"), "psf_king"), /IRF class 'psf_king' is not supported yet/);
  assert.doesNotThrow(() => aeff.requireFullEnclosure("run 23523"));
  const magic = readFits(DATA.path(MAGIC_RUN));
  const pointlike = loadIrf(magic.table("EFFECTIVE AREA"), "aeff_2d");
  assert.ok(pointlike.isPointlike);
  assert.throws(
    () => pointlike.requireFullEnclosure("MAGIC run 5029747"),
    /MAGIC run 5029747: the aeff_2d IRF is point-like .* full-enclosure/,
  );
});

const POINT_LIKE = [
  ["veritas/crab-point-like-ED", 64080],
  ["magic/rad_max/data", 5029747],
] as const;
const STORES = DATA.needs("hess-dl3-dr1", "cta-1dc", ...POINT_LIKE.map(([dir]) => dir));

const LOADS = "observations load their IRFs through the data store; point-like samples load and are flagged";
test(LOADS, STORES, async () => {
  const { DataStore } = await import("../src/index.node.js");
  const { toStorePath } = await import("../src/nodejs/index.js");
  const hess = DataStore.fromDir(toStorePath(DATA.path("hess-dl3-dr1"))).obs(23523);
  assert.deepEqual(
    [hess.aeff.tag, hess.edisp.tag, hess.psf.tag, hess.bkg.tag],
    ["aeff_2d", "edisp_2d", "psf_table", "bkg_3d"],
  );
  assert.equal(hess.bkg.fovAlignment, "RADEC");
  const cta = DataStore.fromDir(toStorePath(DATA.path("cta-1dc/index/gps")), { root: "../.." }).obs(110380);
  assert.deepEqual(
    [cta.aeff.tag, cta.edisp.tag, cta.psf.tag, cta.bkg.tag],
    ["aeff_2d", "edisp_2d", "psf_3gauss", "bkg_3d"],
  );
  for (const [dir, id] of POINT_LIKE) {
    const obs = DataStore.fromDir(toStorePath(DATA.path(dir))).obs(id);
    assert.ok(obs.events.length > 0);
    assert.ok(obs.aeff.isPointlike && obs.edisp.isPointlike, `${dir} IRFs are point-like`);
    assert.throws(() => obs.aeff.requireFullEnclosure(`run ${id}`), /point-like/);
  }
});

function assertClose(
  actual: ArrayLike<number>,
  expected: Array<number | null>,
  rtol: number,
  what: string,
  floor = 0,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(...expected.map((e) => Math.abs(e ?? 0)));
  expected.forEach((e, i) => {
    if (e === null) {
      assert.ok(!Number.isFinite(actual[i]), `${what}[${i}]: expected undefined (NaN/inf), got ${actual[i]}`);
      return;
    }
    const tol = rtol * Math.max(Math.abs(e), floor * scale);
    assert.ok(Math.abs(actual[i] - e) <= tol, `${what}[${i}]: ${actual[i]} vs ${e}`);
  });
}

for (const c of cases) {
  const checks: Array<[string, any, (table: any) => any]> = [];
  if (c.psfTable) checks.push(["psf_table", { hdu: "PSF", ...c.psfTable }, (t) => loadIrf(t, "psf_table")]);
  if (c.psf3gauss) checks.push(["psf_3gauss", c.psf3gauss, (t) => EnergyDependentMultiGaussPSF.fromTable(t)]);
  if (c.psfKing) checks.push(["psf_king", c.psfKing, (t) => PSFKing.fromTable(t)]);
  for (const [kind, want, load] of checks) {
    test(`${c.label} ${kind}: values, containment and 68%/95% radii equal gammapy 1.0`, DATA.needs(c.file), () => {
      const psf = load(readFits(DATA.path(c.file)).table(want.hdu));
      const coords = want.containmentCoords;
      const isTable = kind === "psf_table";
      const values = isTable ? psf.evaluate(coords) : psf.evaluate(coords);
      assertClose(values, want.values, 1e-6, "value", 1e-12);
      const containment = isTable ? psfTable.containment(psf, coords) : psf.containment(coords);
      assertClose(containment, want.containment, 1e-6, "containment", 1e-9);
      for (const key of ["radius68", "radius95"]) {
        const fraction = key === "radius68" ? 0.68 : 0.95;
        const q = { energy_true: want.energy, offset: want.offset };
        const radius = isTable ? psfTable.containmentRadius(psf, fraction, q) : psf.containmentRadius(fraction, q);
        // The radius is an argmin over a fine grid: where the containment curve is flat
        // (near-ties), an ulp decides. Equal radii, or ours contains the fraction as well.
        const containmentAt = (r: ArrayLike<number>) =>
          isTable ? psfTable.containment(psf, { ...q, rad: r }) : psf.containment({ ...q, rad: r });
        const ours = containmentAt(radius);
        const theirs = containmentAt(want[key]);
        want[key].forEach((r: number, i: number) => {
          if (Math.abs(radius[i] - r) <= 1e-9 * r) return;
          assert.ok(
            Math.abs(ours[i] - fraction) <= Math.abs(theirs[i] - fraction) + 1e-6,
            `${key}[${i}]: ${radius[i]} vs ${r}`,
          );
        });
      }
    });
  }
}

test("a bkg_2d IRF (written by gammapy from run 23523's background) evaluates as gammapy's", () => {
  const want = readFixture("bkg_2d.json");
  const bkg = loadIrf(readFits(fixturePath("bkg_2d.fits")).table("BACKGROUND"), "bkg_2d");
  assert.deepEqual(
    bkg.axes.map((a) => a.name),
    want.axes,
  );
  let sum = 0;
  for (const v of bkg.data) sum += v;
  assert.ok(Math.abs(sum - want.dataSum) <= 1e-6 * want.dataSum);
  assertClose(bkg.evaluate({ energy: want.energy, offset: want.offset }), want.values, 1e-6, "bkg_2d", 1e-12);
});

for (const k of readFixture("edisp_kernel.json")) {
  const name = `${k.label}: reconstructed-energy kernel at ${k.offset}° equals gammapy 1.0's to_edisp_kernel`;
  test(name, DATA.needs(k.file), () => {
    const edisp = loadIrf(readFits(DATA.path(k.file)).table(k.hdu), "edisp_2d");
    const trueAxis =
      k.energyTrue && MapAxis.fromEdges(k.energyTrue, { name: "energy_true", unit: "TeV", interp: "log" });
    const recoAxis = k.energy && MapAxis.fromEdges(k.energy, { name: "energy", unit: "TeV", interp: "log" });
    const kernel = edispKernelAtOffset(edisp, k.offset, trueAxis ?? undefined, recoAxis ?? undefined);
    assert.deepEqual([kernel.energyAxisTrue.nbin, kernel.energyAxis.nbin], k.shape);
    // probabilities: values below 1e-12 are rounding noise of differences of cumulative sums
    assertClose(kernel.data, k.matrix, 1e-6, "kernel", 1e-6);
  });
}

test("normalising a table PSF over rad gives unit containment (deg⁻²), as the PSF maps gammapy makes", () => {
  const psf = loadIrf(
    readFits(DATA.path("hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz")).table("PSF"),
    "psf_table",
  );
  const normed = psf.normalize("rad");
  assert.equal(normed.unit, "deg-2");
  const rad = normed.axis("rad");
  const [nE, nOff, nRad] = normed.shape;
  for (let e = 10; e < nE; e += 7) {
    for (let o = 0; o < nOff; o++) {
      let integral = 0;
      let raw = 0;
      for (let k = 0; k < nRad; k++) {
        const w = rad.binWidth[k] * 2 * Math.PI * rad.center[k];
        integral += normed.data[(e * nOff + o) * nRad + k] * w;
        raw += psf.data[(e * nOff + o) * nRad + k];
      }
      if (raw > 0) assert.ok(Math.abs(integral - 1) < 1e-9, `energy ${e} offset ${o}: ${integral}`);
      else assert.equal(integral, 0);
    }
  }
});

test(
  "Irf.interpMissingData fills zeros and non-finite values " +
    "between valid ones along the axis, in the values' scale",
  async () => {
    const { Irf } = await import("../src/irf/index.js");
    const { MapAxis } = await import("../src/maps/index.js");
    const energy = MapAxis.fromBounds(1, 100, 6, { name: "energy", unit: "TeV", interp: "log" });
    const offset = MapAxis.fromBounds(0, 2, 2, { name: "offset", unit: "deg" });
    // [energy][offset]: column 0 has a gap of two (0 and NaN) and leading/trailing zeros; column 1 is full
    const data = Float64Array.from([0, 1, 8, 2, 0, 3, NaN, 4, 1, 5, 0, 6]);
    for (const valuesScale of ["lin", "log"] as const) {
      const irf = new Irf("bkg", [energy, offset], data, "s-1 MeV-1 sr-1", undefined, { fillValue: 0, valuesScale });
      const filled = irf.interpMissingData("energy").data;
      // linear between the valid neighbours 8 (k = 1) and 1 (k = 4), in the values' scale
      const f = valuesScale === "lin" ? (v: number) => v : Math.log;
      const inverse = valuesScale === "lin" ? (v: number) => v : Math.exp;
      const want = [8, inverse(f(8) + ((f(1) - f(8)) * 1) / 3), inverse(f(8) + ((f(1) - f(8)) * 2) / 3), 1];
      assert.deepEqual([filled[2], filled[4], filled[6], filled[8]], want);
      assert.equal(filled[0], 0, "before the first valid value: unchanged");
      assert.equal(filled[10], 0, "after the last valid value: unchanged");
      assert.deepEqual(
        Array.from({ length: 6 }, (_, k) => filled[2 * k + 1]),
        [1, 2, 3, 4, 5, 6],
      );
      assert.ok(Number.isNaN(data[6]), "the IRF itself is not modified");
    }
  },
);
