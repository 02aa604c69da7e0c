// run() combines the built-in image and energy-plane masks with the valid-background mask in
// one pass per plane (four bytes at a time where the planes allow it): for every combination
// of methods, starting mask and background it gives what AND-ing the public methods' cubes gives.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, MapAxis, MapDataset, WcsGeom, WcsNDMap } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { MapDatasetMaker } from "@gammaflow/map-dataset-maker";
import { SafeMaskMaker, type SafeMaskMethod } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../../..");

test("run() equals AND-ing the methods' cubes and the valid background, for odd and even image sizes", () => {
  const store = DataStore.fromDir(toStorePath(path.join(repo, "data/hess-dl3-dr1")));
  const obs = store.getObservations([23523])[0];
  const energy = MapAxis.fromBounds(0.5, 50, 6, { name: "energy", unit: "TeV", interp: "log" });
  // 80 × 80 pixels: every plane starts on a 4-byte boundary; 81 × 81: most do not
  for (const width of [4, 4.05]) {
    const geom = WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width, binsz: 0.05 });
    const made = new MapDatasetMaker({ selection: ["counts", "background"] }).run(MapDataset.create(geom), obs);
    const bkg64 = made.background!;
    // a background in float32 too, with non-finite and negative values
    const bkg32 = WcsNDMap.fromGeom(geom, {
      data: Float32Array.from(bkg64.data, (v, i) =>
        i % 97 === 0 ? NaN : i % 89 === 0 ? -v : i % 83 === 0 ? Infinity : v,
      ),
    });
    const start = new Uint8Array(geom.size).map((_, i) => (i % 5 === 0 ? 0 : i % 7 === 0 ? 3 : 1));
    const methods: SafeMaskMethod[][] = [
      [],
      ["offset-max"],
      ["aeff-default"],
      ["aeff-default", "offset-max"],
      ["offset-max", "bkg-peak"],
    ];
    for (const m of methods) {
      const maker = new SafeMaskMaker({ methods: m, offsetMax: "1.5 deg" });
      for (const background of [bkg64, bkg32, undefined]) {
        for (const startMask of [start, undefined]) {
          const maskSafe = startMask && WcsNDMap.fromGeom(geom, { dtype: "bool", data: startMask.slice() });
          const dataset = new MapDataset({ name: "run", counts: made.counts, background, maskSafe });
          const all = new Uint8Array(geom.size).fill(255);
          const offset = m.includes("offset-max") ? maker.makeMaskOffsetMax(geom, obs) : all;
          const energyMask = m.includes("aeff-default") ? maker.makeMaskEnergyAeffDefault(geom, obs) : all;
          const peak = m.includes("bkg-peak") && background ? maker.makeMaskEnergyBkgPeak(dataset) : all;
          const bkg = background?.data;
          const want = (startMask ?? new Uint8Array(geom.size).fill(1)).map((v, i) =>
            !bkg || (Number.isFinite(bkg[i]) && bkg[i] > 0) ? v & offset[i] & energyMask[i] & peak[i] : 0,
          );
          if (m.includes("bkg-peak") && !background) {
            assert.throws(() => maker.run(dataset, obs), /needs a background map/);
            continue;
          }
          const got = maker.run(dataset, obs).maskSafe!;
          assert.equal(got.dtype, "bool");
          const what =
            `width ${width}, methods [${m.join(", ")}], background ${background ? background.dtype : "none"}, ` +
            `${startMask ? "with" : "without"} a starting mask`;
          assert.deepEqual([...got.data], [...want], what);
          if (startMask) assert.deepEqual([...dataset.maskSafe!.data], [...want], `${what}: set on the dataset`);
        }
      }
    }
  }
});
