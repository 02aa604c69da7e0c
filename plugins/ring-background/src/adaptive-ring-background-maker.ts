import type { AngleInput, MapDataset, MapDatasetOnOff, WcsNDMap } from "@gammaflow/core";
import { adaptiveRingOffMaps, type AdaptiveRingMethod } from "./adaptive-ring.js";
import type { ConvolveMethod } from "./convolve-same.js";
import { exclusionOn, floatMap, onOff, requireImage } from "./ring-dataset.js";

export interface AdaptiveRingBackgroundMakerOptions {
  rIn: AngleInput;
  rOutMax: AngleInput;
  width: AngleInput;
  stepsize?: AngleInput;
  thresholdAlpha?: number;
  theta?: AngleInput;
  method?: AdaptiveRingMethod;
  exclusionMask?: WcsNDMap;
  convolveMethod?: ConvolveMethod;
}

/**
 * gammapy 1.0's AdaptiveRingBackgroundMaker: rings grow (fixed width, or fixed inner radius)
 * until α = acceptance / acceptance_off reaches `thresholdAlpha`; pixels no ring satisfies get
 * NaN off maps. gammapy 1.0 multiplies theta by the pixel scale (theta · scale instead of
 * theta / scale), which makes the "acceptance" the background pixel itself; reproduced.
 */
export class AdaptiveRingBackgroundMaker {
  constructor(readonly options: AdaptiveRingBackgroundMakerOptions) {}

  run(dataset: MapDataset): MapDatasetOnOff {
    const background = requireImage(dataset, "AdaptiveRingBackgroundMaker");
    const geom = dataset.counts.geom;
    const { exclusionMask, convolveMethod, ...params } = this.options;
    const maps = adaptiveRingOffMaps({
      ...params,
      counts: dataset.counts.data,
      background: background.data,
      exclusion: exclusionOn(geom, exclusionMask),
      nx: geom.nx,
      ny: geom.ny,
      pixelScaleDeg: geom.pixelScales[0],
      convolveMethod,
    });
    const like = dataset.counts;
    // gammapy keeps the adaptive maps in float64 (NaN-filled arrays)
    return onOff(
      dataset,
      floatMap(like, maps.countsOff, "float64"),
      floatMap(like, maps.acceptance, "float64"),
      floatMap(like, maps.acceptanceOff, "float64"),
    );
  }
}
