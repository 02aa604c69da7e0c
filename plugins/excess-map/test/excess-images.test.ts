import { test } from "node:test";
import assert from "node:assert/strict";
import { MapAxis, MapDataset, WcsGeom } from "@gammaflow/core";
import { ExcessMapEstimator, excessImages } from "../src/index.js";

/** A 20×20, 3-energy-bin dataset, all safe: 2 counts and 1 background per bin, 10 more counts per bin at one pixel. */
function dataset(): MapDataset {
  const energy = MapAxis.fromBounds(1, 10, 3, { name: "energy", unit: "TeV", interp: "log" });
  const geom = WcsGeom.create({ skydir: [83.63, 22.01], width: 2, binsz: 0.1, axes: [energy] });
  const d = MapDataset.create(geom, { name: "d" });
  d.counts.data.fill(2);
  d.background!.data.fill(1);
  d.maskSafe!.data.fill(1);
  for (let plane = 0; plane < 3; plane++) d.counts.data[plane * 400 + 10 * 20 + 10] += 10;
  return d;
}

test("a dataset's images: counts and background summed over energy, their difference, the significance", () => {
  const d = dataset();
  const estimator = new ExcessMapEstimator({ correlationRadius: "0.2 deg" });
  const images = excessImages(d, estimator);
  assert.equal(images.image.counts.data.length, 400);
  assert.equal(images.counts.data[210], 36);
  assert.equal(images.background.data[0], 3);
  assert.equal(images.excess.data[210], 33);
  assert.equal(images.excess.data[0], 3);
  assert.deepEqual(Array.from(images.significance.data), Array.from(estimator.run(d).sqrt_ts.data));
  // every pixel within the correlation radius of the bright one sees it whole: the peak
  assert.equal(images.significance.data[210], Math.max(...images.significance.data));
  assert.ok(images.significance.data[210] > images.significance.data[63] + 1, "above the flat part");
});

test("a dataset without background is refused, named", () => {
  const d = dataset();
  d.background = undefined;
  assert.throws(() => excessImages(d), /dataset 'd' has no background: no excess or significance/);
});
