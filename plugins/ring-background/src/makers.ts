import { MapDatasetOnOff, WcsNDMap, angleDeg, type AngleInput, type MapDataset, type WcsGeom } from "@gammaflow/core";
import type { ConvolveMethod } from "./convolve-same.js";
import { adaptiveRingOffMaps, type AdaptiveRingMethod } from "./adaptive-ring.js";
import { maskSafeWithOffAcceptance } from "./off-acceptance-mask.js";
import { ringOffMaps } from "./ring.js";

/**
 * The exclusion mask on `geom`'s pixels (1 usable, 0 excluded): the mask itself when it has the
 * same grid, else looked up at each pixel centre (gammapy's `get_by_coord`); pixels the mask
 * does not cover count as usable.
 */
export function exclusionOn(geom: WcsGeom, mask: WcsNDMap | undefined): Float64Array {
  const image = geom.toImage();
  const out = new Float64Array(image.imageSize).fill(1);
  if (!mask) return out;
  if (mask.geom.toImage().equals(image)) {
    for (let i = 0; i < out.length; i++) out[i] = mask.data[i] ? 1 : 0;
    return out;
  }
  const { lon, lat } = image.imageCoord("center");
  const values = mask.getByCoord({ lon, lat, frame: image.frame });
  for (let i = 0; i < out.length; i++) out[i] = Number.isNaN(values[i]) ? 1 : values[i] ? 1 : 0;
  return out;
}

function requireImage(dataset: MapDataset, maker: string): WcsNDMap {
  const energy = dataset.counts.geom.axes.find((a) => a.name === "energy");
  if (energy && energy.nbin !== 1) throw new Error(`${maker}: dataset '${dataset.name}' has ${energy.nbin} energy bins; ring backgrounds work on images (put to-image before it)`);
  const background = dataset.npredBackground();
  if (!background) throw new Error(`${maker}: dataset '${dataset.name}' has no background map`);
  return background;
}

function floatMap(like: WcsNDMap, data: ArrayLike<number>, dtype: "float32" | "float64" = "float32"): WcsNDMap {
  const out = WcsNDMap.fromGeom(like.geom, { dtype });
  out.data.set(data);
  return out;
}

/** The on-off dataset with the off maps, and the safe mask cleared where no off acceptance exists. */
function onOff(dataset: MapDataset, countsOff: WcsNDMap, acceptance: WcsNDMap, acceptanceOff: WcsNDMap): MapDatasetOnOff {
  const out = MapDatasetOnOff.fromMapDataset(dataset, { countsOff, acceptance, acceptanceOff, name: dataset.name });
  const mask = WcsNDMap.fromGeom(dataset.counts.geom, { dtype: "bool" });
  mask.data.set(maskSafeWithOffAcceptance(dataset.maskSafe?.data ?? new Uint8Array(mask.data.length).fill(1), acceptanceOff.data));
  out.maskSafe = mask;
  return out;
}

export interface RingBackgroundMakerOptions {
  rIn: AngleInput;
  width: AngleInput;
  /** Image mask, true where the data may be used (outside sources). */
  exclusionMask?: WcsNDMap;
  convolveMethod?: ConvolveMethod;
}

/**
 * gammapy 1.0's RingBackgroundMaker: off counts and off acceptance from a ring around each
 * pixel (outside the exclusion mask), the on acceptance the background itself. The safe mask
 * loses pixels without off acceptance — and the on-off dataset keeps that corrected mask
 * (v0.15 computed it and then dropped it).
 */
export class RingBackgroundMaker {
  readonly rIn: number;
  readonly width: number;
  readonly exclusionMask?: WcsNDMap;
  private readonly convolveMethod?: ConvolveMethod;

  constructor(options: RingBackgroundMakerOptions) {
    this.rIn = angleDeg(options.rIn, "rIn");
    this.width = angleDeg(options.width, "width");
    this.exclusionMask = options.exclusionMask;
    this.convolveMethod = options.convolveMethod;
  }

  run(dataset: MapDataset): MapDatasetOnOff {
    const background = requireImage(dataset, "RingBackgroundMaker");
    const geom = dataset.counts.geom;
    const { countsOff, acceptanceOff } = ringOffMaps({
      counts: dataset.counts.data,
      background: background.data,
      exclusion: exclusionOn(geom, this.exclusionMask),
      nx: geom.nx,
      ny: geom.ny,
      pixelScaleDeg: geom.pixelScales[0],
      rIn: this.rIn,
      width: this.width,
      convolveMethod: this.convolveMethod,
    });
    return onOff(dataset, floatMap(dataset.counts, countsOff), background, floatMap(dataset.counts, acceptanceOff));
  }
}

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
    return onOff(dataset, floatMap(like, maps.countsOff, "float64"), floatMap(like, maps.acceptance, "float64"), floatMap(like, maps.acceptanceOff, "float64"));
  }
}
