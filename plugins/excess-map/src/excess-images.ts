import type { MapDataset, WcsNDMap } from "@gammaflow/core";
import { ExcessMapEstimator } from "./excess-map-estimator.js";

/** A dataset's images, as the quick-look page and the run report show them. */
export interface ExcessImages {
  /** The dataset summed over energy (`toImage()`), which the images are of. */
  image: MapDataset;
  /** Counts summed over energy inside the safe mask. */
  counts: WcsNDMap;
  /** The predicted background (α·n_off for on-off datasets), summed alike. */
  background: WcsNDMap;
  /** counts − background, pixel by pixel (uncorrelated). */
  excess: WcsNDMap;
  /** The estimator's correlated significance (`sqrt_ts`: Li & Ma for on-off datasets); NaN outside the mask. */
  significance: WcsNDMap;
}

/** The images of `dataset` (one with a background: refused otherwise, naming it). */
export function excessImages(dataset: MapDataset, estimator = new ExcessMapEstimator()): ExcessImages {
  const image = dataset.toImage();
  const background = image.npredBackground();
  if (!background) throw new Error(`dataset '${dataset.name}' has no background: no excess or significance`);
  const excess = image.counts.copy();
  for (let i = 0; i < excess.data.length; i++) excess.data[i] = image.counts.data[i] - background.data[i];
  return { image, counts: image.counts, background, excess, significance: estimator.run(image).sqrt_ts };
}
