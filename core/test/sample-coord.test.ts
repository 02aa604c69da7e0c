import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { transformFrame } from "../src/coords/index.js";
import { EDispMap, MapEvaluator, trueEnergyNpred } from "../src/datasets/index.js";
import { MapAxis, MapCoord, WcsGeom, WcsNDMap } from "../src/maps/index.js";
import { ConstantTemporalModel, GaussianSpatialModel, PowerLawSpectralModel, SkyModel } from "../src/modeling/index.js";
import { readDataset } from "../src/nodejs/index.js";
import { fixturePath } from "./fixtures.js";

// gammapy 1.0's samplers with the same seeds: scripts/fixtures/sample_coord.py
interface Summary {
  first: number[];
  sum: number;
  n: number;
}
const fx = JSON.parse(readFileSync(fixturePath("sample_coord.json"), "utf8")) as {
  map: { frame: string; lon: Summary; lat: Summary; energy: Summary };
  psf: { lon: Summary; lat: Summary };
  edisp: { energy: Summary };
  time: { tMin: number; tMax: number; days: Summary };
};

function assertMatches(actual: Float64Array, expected: Summary, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.n, `${what}: length`);
  expected.first.forEach((v, i) => {
    assert.ok(Math.abs(actual[i] - v) <= tolerance * Math.max(1, Math.abs(v)), `${what}[${i}]: ${actual[i]} vs ${v}`);
  });
  const sum = actual.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - expected.sum) <= tolerance * expected.n * Math.max(1, Math.abs(expected.sum / expected.n)));
}

const dataset = readDataset(fixturePath("npred_dataset.fits.gz"));
const background = dataset.background!;
const coord = background.sampleCoord(3000, 7);
const trueCoord = MapCoord.create({
  lon: coord.lon,
  lat: coord.lat,
  frame: "icrs",
  energy_true: coord.axis("energy")!,
});

test("Map.sampleCoord draws gammapy's coordinates from the background map (seed 7)", () => {
  assert.equal(coord.frame ?? background.geom.frame, fx.map.frame);
  assertMatches(coord.lon, fx.map.lon, 1e-12, "lon");
  assertMatches(coord.lat, fx.map.lat, 1e-12, "lat");
  assertMatches(coord.axis("energy")!, fx.map.energy, 1e-12, "energy");
});

test("PSFMap.sampleCoord moves them as gammapy's does (seed 8)", () => {
  const moved = dataset.psf!.sampleCoord(trueCoord, 8);
  assertMatches(moved.lon, fx.psf.lon, 1e-10, "psf lon");
  assertMatches(moved.lat, fx.psf.lat, 1e-10, "psf lat");
  assert.deepEqual(moved.axis("energy_true"), trueCoord.axis("energy_true"));
});

test("EDispMap.sampleCoord gives gammapy's reconstructed energies (seed 9)", () => {
  const edisp = dataset.edisp;
  assert.ok(edisp instanceof EDispMap);
  const reco = edisp.sampleCoord(trueCoord, 9);
  assertMatches(reco.axis("energy")!, fx.edisp.energy, 1e-10, "energy");
  assert.deepEqual(reco.lon, trueCoord.lon);
});

test("ConstantTemporalModel.sampleTime gives gammapy's arrival times (seed 10)", () => {
  const model = new ConstantTemporalModel();
  const mjd = model.sampleTime(fx.time.days.n, fx.time.tMin, fx.time.tMax, { randomState: 10 });
  // astropy subtracts two-double Times: agreement to ~1e-11 d (1 µs) of the MJD double
  assertMatches(
    mjd.map((t) => t - fx.time.tMin),
    fx.time.days,
    1e-11,
    "days",
  );
  assert.ok(mjd.every((t) => t >= fx.time.tMin && t <= fx.time.tMax));
  assert.deepEqual([...model.integral([0, 1], [1, 4])], [0.25, 0.75]);
  assert.throws(() => model.sampleTime(1, 5, 5), /tMin < tMax/);
});

test("Map.sampleCoord on gammapy 1.0's test_map_sampling npred gives its two events", () => {
  // gammapy/maps/wcs/tests/test_ndmap.py: get_npred_map() and sample_coord(n_events=2, random_state=0)
  const energy = MapAxis.fromBounds(1, 100, 30, { unit: "TeV", name: "energy_true", interp: "log" });
  const geom = WcsGeom.create({ skydir: [0, 0], binsz: 0.02, width: 2, frame: "galactic", axes: [energy] });
  const exposure = WcsNDMap.fromGeom(geom, { unit: "cm2 s" });
  exposure.data.fill(1e14);
  const spatialModel = new GaussianSpatialModel({ lon_0: 0.015, lat_0: -0.037, sigma: 0.2, frame: "galactic" });
  const model = new SkyModel(new PowerLawSpectralModel({ amplitude: 1e-11 }), { spatialModel, name: "gauss" });
  const evaluator = new MapEvaluator(model, { evaluationMode: "global" });
  const maskImage = WcsNDMap.fromGeom(geom.toImage(), { dtype: "bool" });
  maskImage.data.fill(1);
  evaluator.update(exposure, undefined, undefined, geom, maskImage);
  const coords = trueEnergyNpred(evaluator).sampleCoord(2, 0);
  const icrs = transformFrame(coords.lon, coords.lat, "galactic", "icrs");
  const close = (a: ArrayLike<number>, b: number[]) =>
    b.forEach((v, i) => assert.ok(Math.abs(a[i] - v) <= 1e-5 * Math.abs(v), `${a[i]} vs ${v}`));
  close(icrs.lon, [266.204197, 266.451241]);
  close(icrs.lat, [-28.862369, -29.075469]);
  close(coords.axis("energy_true")!, [2.363293, 2.342388]);
});
