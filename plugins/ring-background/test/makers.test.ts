import { test } from "node:test";
import assert from "node:assert/strict";
import { MapAxis, MapDataset, MapDatasetOnOff, SkyCoord, WcsGeom, exclusionMask } from "@gammaflow/core";
import { AdaptiveRingBackgroundMaker, RingBackgroundMaker, ringOffMaps } from "../src/index.js";

const energy = MapAxis.fromBounds(1, 10, 3, { name: "energy", unit: "TeV", interp: "log" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.05, axes: [energy] });

/** An image dataset: uniform background, counts 2 per pixel, safe everywhere but a corner. */
function imageDataset(): MapDataset {
  const d = MapDataset.create(geom, { name: "run" });
  d.counts.data.fill(2);
  d.background!.data.fill(1.5);
  d.maskSafe!.data.fill(1);
  const image = d.toImage();
  image.maskSafe!.data[0] = 0;
  return image;
}

test("RingBackgroundMaker returns an on-off dataset that keeps its corrected safe mask (v0.15 dropped it)", () => {
  const image = imageDataset();
  const exclusion = exclusionMask(image.counts.geom.toImage(), [
    { type: "circle", center: new SkyCoord(83.63, 22.01), radius: "0.35 deg" },
  ]);
  const onoff = new RingBackgroundMaker({ rIn: "0.2 deg", width: "0.1 deg", exclusionMask: exclusion }).run(image);
  assert.ok(onoff instanceof MapDatasetOnOff);
  const { nx, ny } = image.counts.geom;
  const want = ringOffMaps({
    counts: image.counts.data,
    background: image.background!.data,
    exclusion: exclusion.data,
    nx,
    ny,
    pixelScaleDeg: 0.05,
    rIn: 0.2,
    width: 0.1,
  });
  assert.deepEqual([...onoff.countsOff!.data], [...want.countsOff]);
  assert.deepEqual([...onoff.acceptance!.data], [...image.background!.data], "the on acceptance is the background");
  const centre = (ny >> 1) * nx + (nx >> 1);
  assert.equal(want.acceptanceOff[centre], 0, "the ring around the centre lies inside the exclusion");
  assert.equal(onoff.maskSafe!.data[centre], 0, "no off acceptance: out of the safe mask");
  assert.equal(onoff.maskSafe!.data[0], 0, "the input's unsafe pixel stays unsafe");
  assert.equal(onoff.maskSafe!.data[nx + 5], 1);
  assert.equal(image.maskSafe!.data[centre], 1, "the input dataset is not modified");
});

test("the ring makers refuse datasets with several energy bins and say what to do", () => {
  const cube = MapDataset.create(geom, { name: "cube" });
  assert.throws(
    () => new RingBackgroundMaker({ rIn: 0.3, width: 0.3 }).run(cube),
    /dataset 'cube' has 3 energy bins; ring backgrounds work on images \(put to-image before it\)/,
  );
  assert.throws(
    () => new AdaptiveRingBackgroundMaker({ rIn: 0.2, rOutMax: 0.6, width: 0.1 }).run(cube),
    /AdaptiveRingBackgroundMaker/,
  );
});

test("AdaptiveRingBackgroundMaker: off maps NaN where no ring reaches the threshold, float64 as gammapy's", () => {
  const image = imageDataset();
  const strict = new AdaptiveRingBackgroundMaker({
    rIn: "0.1 deg",
    rOutMax: "0.4 deg",
    width: "0.1 deg",
    thresholdAlpha: 1e-6,
  }).run(image);
  assert.equal(strict.countsOff!.dtype, "float64");
  assert.ok(
    strict.countsOff!.data.every((v) => Number.isNaN(v)),
    "an impossible threshold leaves every pixel without a ring",
  );
  const loose = new AdaptiveRingBackgroundMaker({ rIn: "0.1 deg", rOutMax: "0.4 deg", width: "0.1 deg" }).run(image);
  assert.ok(loose.countsOff!.data.some((v) => v > 0));
});
