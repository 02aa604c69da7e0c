import { angleDeg, type AngleInput, type MapDataset, type MapDatasetOnOff, type WcsNDMap } from "@gammaflow/core";
import type { ConvolveMethod } from "./convolve-same.js";
import { exclusionOn, floatMap, onOff, requireImage } from "./ring-dataset.js";
import { ringOffMaps } from "./ring.js";

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
