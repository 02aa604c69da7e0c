import { MapDatasetOnOff, WcsNDMap, angleDeg, type AngleInput, type MapDataset } from "@gammaflow/core";
import { excessMaps } from "./excess-maps.js";

export interface ExcessMapEstimatorOptions {
  /** Radius of the top-hat correlation (default 0.1 deg, as gammapy). */
  correlationRadius?: AngleInput;
}

/** The estimated images, on the dataset's image geometry (NaN outside the safe mask). */
export interface ExcessMapResult {
  counts: WcsNDMap;
  background: WcsNDMap;
  /** counts − background (gammapy's `npred_excess`). */
  npred_excess: WcsNDMap;
  ts: WcsNDMap;
  /** Signed significance: Li & Ma for on-off datasets (gammapy's `sqrt_ts`). */
  sqrt_ts: WcsNDMap;
  npred_excess_err: WcsNDMap;
}

/**
 * gammapy 1.0's ExcessMapEstimator on a whole dataset (one energy bin: datasets with several
 * are summed with `toImage()` first): correlated counts and background within the safe mask,
 * excess, TS and significance — Cash against the background for a MapDataset, WStat with the
 * off counts for a MapDatasetOnOff.
 */
export class ExcessMapEstimator {
  readonly correlationRadius: number;

  constructor(options: ExcessMapEstimatorOptions = {}) {
    this.correlationRadius = angleDeg(options.correlationRadius ?? "0.1 deg", "correlationRadius");
  }

  run(dataset: MapDataset): ExcessMapResult {
    const energy = dataset.counts.geom.axes.find((a) => a.name === "energy");
    const image = energy && energy.nbin > 1 ? dataset.toImage() : dataset;
    const geom = image.counts.geom;
    const [sx, sy] = geom.pixelScales;
    const base = {
      nx: geom.nx,
      ny: geom.ny,
      pixelScaleDeg: (sx + sy) / 2,
      correlationRadius: this.correlationRadius,
      counts: image.counts.data,
      mask: image.mask,
    };
    let result: ReturnType<typeof excessMaps>;
    if (image instanceof MapDatasetOnOff) {
      if (!image.countsOff || !image.acceptanceOff)
        throw new Error(`ExcessMapEstimator: on-off dataset '${image.name}' lacks counts_off or acceptance_off`);
      result = excessMaps({
        ...base,
        countsOff: image.countsOff.data,
        acceptance: image.acceptance?.data ?? 1,
        acceptanceOff: image.acceptanceOff.data,
      });
    } else {
      const background = image.npredBackground();
      if (!background) throw new Error(`ExcessMapEstimator: dataset '${image.name}' has no background`);
      result = excessMaps({ ...base, background: background.data });
    }
    const imageGeom = geom.toImage();
    const map = (data: Float64Array) => WcsNDMap.fromGeom(imageGeom, { data, dtype: "float64" });
    return {
      counts: map(result.counts),
      background: map(result.background),
      npred_excess: map(result.excess),
      ts: map(result.ts),
      sqrt_ts: map(result.sqrtTs),
      npred_excess_err: map(result.error),
    };
  }
}

/** The largest finite value of a map and where it is (pixel centre). */
export function mapMaximum(map: WcsNDMap): { value: number; lon: number; lat: number } {
  let best = -1;
  for (let i = 0; i < map.data.length; i++)
    if (Number.isFinite(map.data[i]) && (best < 0 || map.data[i] > map.data[best])) best = i;
  if (best < 0) return { value: NaN, lon: NaN, lat: NaN };
  const [lon, lat] = map.geom.wcs.pixToWorld1(best % map.geom.nx, Math.floor(best / map.geom.nx));
  return { value: map.data[best], lon, lat };
}
