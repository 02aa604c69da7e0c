import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { MapAxis, PSFKernel, PSFMap, SkyCoord, WcsGeom, WcsNDMap, type Frame } from "@gammaflow/core";
import { assertMapClose, type SampledMap } from "@gammaflow/core/testing";
import { REPO, store, storeNeeds } from "./stores.js";
import { makePsfMap } from "../src/index.js";

// Reference: scripts/fixtures/psf_kernel.py (gammapy 1.0) on the PSF maps of psf_edisp_maps.py.
const fixture = JSON.parse(
  readFileSync(path.join(REPO, "plugins/map-dataset-maker/test/fixtures/psf_kernel.json"), "utf8"),
);
type Sampled = SampledMap & { step: number };
const close = (map: WcsNDMap, want: Sampled, what: string, rtol = 1e-6) =>
  assertMapClose(map, want, { step: want.step, rtol, what, sumFloor: true });
const allClose = (got: ArrayLike<number>, want: number[], rtol: number, what: string) => {
  assert.equal(got.length, want.length, `${what}: length`);
  want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= rtol * Math.abs(w), `${what}[${i}]: ${got[i]} vs ${w}`));
};

const rad = MapAxis.fromBounds(0, 0.66, 66, { name: "rad", unit: "deg" });
const etrue = MapAxis.fromEnergyBounds("0.5 TeV", "50 TeV", 6, { name: "energy_true" });

for (const c of fixture.maps) {
  const frame = c.geom.frame as Frame;
  const base = { skydir: c.geom.skydir as [number, number], width: c.geom.width, frame };
  const psfMap = () => {
    const obs = store(c.label).obs(c.obsId);
    return new PSFMap(
      makePsfMap(obs.psf, obs.pointingRadec, WcsGeom.create({ ...base, binsz: 0.2, axes: [rad, etrue] })),
    );
  };
  const geom = WcsGeom.create({ ...base, binsz: 0.02, axes: [etrue] });
  const position = new SkyCoord(c.position[0], c.position[1], frame);

  test(`${c.label}: containment and containment radii equal gammapy 1.0`, storeNeeds(c.label), () => {
    const psf = psfMap();
    allClose(psf.containment([0.05, 0.1, 0.2], c.energies), c.containment, 1e-6, "containment");
    // Radii are upsampled rad-axis nodes: equal, not merely close.
    assert.deepEqual(
      [...psf.containmentRadius(0.68, c.energies)].map((r) => +r.toFixed(12)),
      c.containmentRadius.map((r: number) => +r.toFixed(12)),
    );
    assert.deepEqual(
      [...psf.containmentRadius(0.95, c.energies, position)].map((r) => +r.toFixed(12)),
      c.containmentRadiusOffset.map((r: number) => +r.toFixed(12)),
    );
    assert.equal(+Math.max(...psf.containmentRadius(0.999, etrue.center)).toFixed(12), +c.radiusMax.toFixed(12));
    const radiusMap = psf.containmentRadiusMap(1, 0.68);
    assert.equal(radiusMap.unit, "deg");
    allClose(radiusMap.data, c.containmentRadiusMap.sample, 1e-12, "containment radius map");
  });

  const kernels = `${c.label}: PSF kernels (99.9 % size at the centre; 0.3° at an offset) equal gammapy 1.0 to 1e-6`;
  test(kernels, storeNeeds(c.label), () => {
    const psf = psfMap();
    const kernel = psf.getPsfKernel(geom);
    close(kernel.psfKernelMap, c.kernel, "kernel");
    close(kernel.toImage().psfKernelMap, c.kernelImage, "kernel image");
    close(psf.getPsfKernel(geom, { position, maxRadius: 0.3 }).psfKernelMap, c.kernelOffset, "offset kernel");
  });
}

test("PSFKernel.fromGauss and toImage with exposure weights equal gammapy 1.0", () => {
  const { gauss } = fixture;
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 3, binsz: 0.02, axes: [etrue] });
  const kernel = PSFKernel.fromGauss(geom, gauss.sigma, { maxRadius: gauss.maxRadius });
  close(kernel.psfKernelMap, gauss.kernel, "gauss kernel", 1e-5);
  const image = kernel.toImage({ exposure: [1, 2, 3, 4, 5, 6] });
  close(image.psfKernelMap, gauss.imageWithExposure, "gauss image", 1e-5);
  assert.throws(() => kernel.toImage({ exposure: [1, 2] }), /exposure has 2 values, the energy axis 6 bins/);
});

test("a PSF kernel is normalised per plane and convolving with it keeps the total", () => {
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.02, axes: [etrue] });
  const kernel = PSFKernel.fromGauss(geom, 0.08);
  const [planes, ky, kx] = kernel.shape;
  assert.equal(ky % 2, 1);
  assert.equal(kx, ky);
  for (let p = 0; p < planes; p++) {
    const plane = Array.from(kernel.data.subarray(p * kx * ky, (p + 1) * kx * ky));
    assert.ok(Math.abs(plane.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  }
  const counts = WcsNDMap.fromGeom(geom);
  counts.fillByCoord({ lon: [83.63], lat: [22.01], energy_true: [2] }, [100]);
  const smoothed = counts.convolve(kernel);
  assert.ok(Math.abs(smoothed.sum() - 100) < 1e-3, `convolved total ${smoothed.sum()}`);
});

test(
  "getPsfKernel needs an energy_true axis, " + "and a position outside the PSF moves to the nearest defined pixel",
  () => {
    const obs = store("hess").obs(23592);
    const psf = new PSFMap(
      makePsfMap(
        obs.psf,
        obs.pointingRadec,
        WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.2, axes: [rad, etrue] }),
      ),
    );
    assert.throws(
      () => psf.getPsfKernel(WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.02 }), { maxRadius: 0.2 }),
      /needs an energy_true axis/,
    );
    const warnings: string[] = [];
    const far = new SkyCoord(90, 22.01);
    const nearest = psf.nearestValidPosition(far, (m) => warnings.push(m));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /outside the valid IRF map range/);
    assert.ok(nearest.separation(far) < far.separation(new SkyCoord(83.63, 22.01)));
    const inside = new SkyCoord(83.7, 22.0);
    assert.equal(psf.nearestValidPosition(inside), inside);
  },
);
