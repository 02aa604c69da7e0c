/** Checks shared by the graph end-to-end tests: the class-API reference and exact map comparison. */
import assert from "node:assert/strict";
import { DataStore, MapAxis, MapDataset, WcsGeom, type WcsNDMap } from "@gammaflow/core";
import { isDatasetMessage, type DatasetMessage, type RunReport } from "@gammaflow/pipeline";
import { toStorePath } from "@gammaflow/core/node";
import { MapDatasetMaker } from "@gammaflow/map-dataset-maker";
import { SafeMaskMaker } from "@gammaflow/safe-mask";

/** The documentation's combined chain with the class API, in the given order. */
export function classApiStack(storeDir: string, obsIds: number[]): MapDataset {
  const store = DataStore.fromDir(toStorePath(storeDir));
  const energy = MapAxis.fromBounds(1, 10, 11, { name: "energy", unit: "TeV", interp: "log" });
  const stacked = MapDataset.create(WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 5, binsz: 0.02 }), {
    name: "stacked",
  });
  const maker = new MapDatasetMaker();
  const safe = new SafeMaskMaker({ methods: ["aeff-default", "offset-max"], offsetMax: "3 deg" });
  for (const obs of store.getObservations(obsIds))
    stacked.stack(safe.run(maker.run(stacked.cutout(obs.pointingRadec, "6 deg"), obs), obs));
  return stacked;
}

export function finalStack(report: RunReport): DatasetMessage {
  const final = report.finals.find((m): m is DatasetMessage => isDatasetMessage(m) && m.final === true);
  assert.ok(final, "the run emitted a final stack");
  return final;
}

export function assertSameMaps(got: MapDataset, want: MapDataset): void {
  const pairs: Array<[string, WcsNDMap | undefined, WcsNDMap | undefined]> = [
    ["counts", got.counts, want.counts],
    ["exposure", got.exposure, want.exposure],
    ["background", got.background, want.background],
    ["mask_safe", got.maskSafe, want.maskSafe],
    ["psf", got.psf?.psfMap, want.psf?.psfMap],
    ["edisp", got.edisp?.edispMap, want.edisp?.edispMap],
  ];
  for (const [name, a, b] of pairs) {
    assert.ok(a && b, `${name} present`);
    assert.deepEqual(a.geom.dataShape, b.geom.dataShape, `${name} shape`);
    let differ = 0;
    for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) differ++;
    assert.equal(differ, 0, `${name}: ${differ} values differ from the class API's`);
  }
}
