// The EDisp kernel map through the offset nodes against the EDisp map's densities integrated
// pixel by pixel (EDispMap.toEdispKernelMap): the same kernels, up to the order of the sums.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EDispMap, Irf, MapAxis, type SkyCoord, WcsGeom, withKernelPaths } from "@gammaflow/core";
import { edispKernelsByNodes } from "../src/edisp-kernel-nodes.js";
import { makeEdispMap } from "../src/index.js";
import { store } from "./stores.js";

const energy = MapAxis.fromEnergyBounds("0.8 TeV", "30 TeV", 9);
const energyTrue = MapAxis.fromEnergyBounds("0.5 TeV", "50 TeV", 14, { name: "energy_true" });

/** A 5.5° image around the run's pointing: pixels between the offset nodes, beyond the last and beyond the edge. */
function migraGeom(edisp: Irf, lon: number, lat: number): WcsGeom {
  const axes = [edisp.axis("migra"), energyTrue];
  return WcsGeom.create({ skydir: [lon, lat], width: 5.5, binsz: 0.25, axes });
}

function perPixel(edisp: Irf, geom: WcsGeom, pointing: Parameters<typeof makeEdispMap>[1]): Float64Array {
  return new EDispMap(makeEdispMap(edisp, pointing, geom)).toEdispKernelMap(energy).edispMap.data as Float64Array;
}

/** edispKernelsByNodes against the per-pixel integration: within 1e-14 between the nodes, equal beyond. */
function assertKernelsByNodes(edisp: Irf, pointing: SkyCoord): void {
  const geom = migraGeom(edisp, pointing.lon + 0.3, pointing.lat - 0.2);
  const offsets = geom.separation(pointing);
  const offsetAxis = edisp.axis("offset");
  const last = offsetAxis.center[offsetAxis.nbin - 1];
  assert.ok(
    offsets.some((o) => o > last && o < offsetAxis.edges[offsetAxis.nbin]),
    "pixels beyond the last node",
  );
  assert.ok(
    offsets.some((o) => o > offsetAxis.edges[offsetAxis.nbin]),
    "pixels beyond the edge",
  );

  const byNodes = edispKernelsByNodes(edisp, pointing, geom, energy);
  assert.ok(byNodes, "the node rows describe the pixels");
  const want = perPixel(edisp, geom, pointing);
  assert.equal(byNodes.length, want.length);
  const n = geom.imageSize;
  let between = 0;
  for (let i = 0; i < want.length; i++) {
    const offset = offsets[i % n];
    if (offset >= offsetAxis.center[0] && offset <= last) {
      assert.ok(Math.abs(byNodes[i] - want[i]) <= 1e-14, `value ${i}: ${byNodes[i]} vs ${want[i]}`);
      between++;
    } else assert.equal(byNodes[i], want[i], `value ${i} (offset ${offset}): integrated pixel by pixel`);
  }
  assert.ok(between > want.length / 2, `${between} of ${want.length} values through the nodes`);
}

for (const obsId of [23523, 23592]) {
  test(`run ${obsId}: kernels through the offset nodes equal the per-pixel integration within 1e-14`, () => {
    const obs = store("hess").obs(obsId);
    assertKernelsByNodes(obs.edisp, obs.pointingRadec);
  });
}

test("negative IRF values, which the pixels clip at 0: the clipped rows pixel by pixel, the same kernels", () => {
  const obs = store("hess").obs(23523);
  const edisp = obs.edisp;
  const data = edisp.data.slice();
  const [e, m, o] = edisp.axes; // [energy_true, migra, offset]
  const below = (axis: MapAxis, value: number) => axis.center.filter((c) => c <= value).length - 1;
  // at the IRF's energy nodes below some of the map's true energies, migra 1 and 1.3, the first
  // offset nodes: large enough to make interpolated values negative on part of the pixels
  for (const t of [3, 7, 11])
    for (const [migra, offset, value] of [
      [1, 0, -2],
      [1.3, 1, -0.5],
    ])
      data[(below(e, energyTrue.center[t]) * m.nbin + below(m, migra)) * o.nbin + offset] = value;
  const spoilt = new Irf(edisp.tag, edisp.axes, data, edisp.unit, edisp.meta, edisp.interp);
  assertKernelsByNodes(spoilt, obs.pointingRadec);
});

test("no kernels through the nodes where the node rows do not describe the pixels", () => {
  const obs = store("hess").obs(23523);
  const edisp = obs.edisp;
  const pointing = obs.pointingRadec;
  // true energies beyond the IRF's last energy node: extrapolated, as the pixels' own arithmetic does
  const beyond = MapAxis.fromEnergyBounds("10 TeV", "300 TeV", 4, { name: "energy_true" });
  const geom = WcsGeom.create({
    skydir: [pointing.lon, pointing.lat],
    width: 3,
    binsz: 0.25,
    axes: [edisp.axis("migra"), beyond],
  });
  assert.equal(edispKernelsByNodes(edisp, pointing, geom, energy), undefined);
  // the reference paths integrate every pixel
  assert.equal(
    withKernelPaths("reference", () =>
      edispKernelsByNodes(edisp, pointing, migraGeom(edisp, pointing.lon, pointing.lat), energy),
    ),
    undefined,
  );
});
