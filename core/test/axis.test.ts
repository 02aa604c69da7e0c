import { test } from "node:test";
import assert from "node:assert/strict";
import { MapAxis } from "../src/maps/axis/index.js";
import { readFixture } from "./fixtures.js";

const fx = readFixture("axis_parity.json");

function closeArrays(actual: ArrayLike<number>, expected: (number | null)[], rtol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (e === null) {
      assert.ok(Number.isNaN(actual[i]), `${what}[${i}]: expected NaN, got ${actual[i]}`);
      continue;
    }
    assert.ok(Math.abs(actual[i] - e) <= rtol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${actual[i]} != ${e}`);
  }
}

function build(a: any): MapAxis {
  return new MapAxis(a.nodes, { name: a.name, unit: a.unit, interp: a.interp, nodeType: a.nodeType });
}

for (const a of fx.axes) {
  test(`MapAxis ${a.label}: edges, centres and pixel mapping equal gammapy 1.0`, () => {
    const axis = build(a);
    assert.equal(axis.nbin, a.nbin);
    closeArrays(axis.edges, a.edges, 1e-12, "edges");
    closeArrays(axis.center, a.center, 1e-12, "center");
    closeArrays(axis.binWidth, a.binWidth, 1e-12, "binWidth");
    const probes = a.probes.map((v: number | null) => (v === null ? NaN : v));
    closeArrays(axis.coordToPix(probes), a.coordToPix, 1e-12, "coordToPix");
    // Probes lying on an edge (to an ulp: numpy's and V8's exp/log differ in the last bit)
    // may fall on either side; every other probe must land in gammapy's bin.
    const onEdge = (v: number) => a.edges.some((e: number) => Math.abs(v - e) <= 1e-12 * Math.abs(e));
    const idx = axis.coordToIdx(probes);
    const idxClip = axis.coordToIdx(probes, true);
    probes.forEach((p: number, i: number) => {
      if (onEdge(p)) {
        assert.ok(
          Math.abs(idx[i] - a.coordToIdx[i]) <= 1 || idx[i] === -1 || a.coordToIdx[i] === -1,
          `idx at edge ${p}`,
        );
        return;
      }
      assert.equal(idx[i], a.coordToIdx[i], `coordToIdx(${p})`);
      if (!Number.isNaN(p)) assert.equal(idxClip[i], a.coordToIdxClip[i], `coordToIdx(${p}, clip)`);
    });
    closeArrays(axis.pixToCoord(a.pixProbes), a.pixToCoord, 1e-12, "pixToCoord");
    closeArrays(axis.squash().edges, a.squash, 1e-12, "squash");
    closeArrays(axis.upsample(2).nodes, a.upsample2.nodes, 1e-12, "upsample");
    for (const factor of [2, 3]) {
      const key = `downsample${factor}`;
      if (a[key]) closeArrays(axis.downsample(factor).nodes, a[key], 1e-12, key);
      else assert.throws(() => axis.downsample(factor), /not divisible/);
    }
  });
}

test("fromBounds / fromEnergyBounds construct what gammapy constructs", () => {
  const fromFixture = (label: string) => build(fx.axes.find((a: any) => a.label === label));
  assert.ok(
    MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" }).equals(fromFixture("log-edges")),
  );
  assert.ok(MapAxis.fromEnergyBounds("0.3 TeV", "30 TeV", 31).equals(fromFixture("energy-bounds")));
  const perDecade = MapAxis.fromEnergyBounds("100 GeV", "50 TeV", 5, { perDecade: true, name: "energy_true" });
  assert.ok(perDecade.equals(fromFixture("energy-per-decade")));
  assert.equal(perDecade.unit, "TeV");
  assert.ok(
    MapAxis.fromEnergyBounds(0.1, 50, 14, { unit: "TeV" }).equals(MapAxis.fromEnergyBounds("100 GeV", "50 TeV", 14)),
  );
});

test("axis equality, slicing and validation", () => {
  const e = MapAxis.fromBounds(1, 10, 4, { name: "energy", unit: "TeV", interp: "log" });
  assert.ok(e.equals(e.copy({ unit: "TeV" })));
  assert.ok(e.equals(MapAxis.fromBounds(1000, 10000, 4, { name: "ENERGY", unit: "GeV", interp: "log" })));
  assert.ok(!e.equals(e.copy({ interp: "lin" })));
  assert.ok(!e.equals(e.rename("energy_true")));
  const s = e.slice(1, 3);
  assert.equal(s.nbin, 2);
  assert.equal(s.edges[0], e.edges[1]);
  assert.throws(() => new MapAxis([1, 3, 2]), /unique and sorted/);
  assert.throws(() => new MapAxis([-1, 1], { interp: "log" }), /non-negative/);
  assert.throws(() => MapAxis.fromEnergyBounds("1 deg", "2 deg", 3), /not an energy/);
  assert.throws(() => e.slice(3, 5), /invalid slice/);
  assert.match(e.toString(), /nbins\s+: 4/);
});
