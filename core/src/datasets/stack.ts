import { WcsNDMap, type WcsGeom } from "../maps/index.js";

/** A boolean mask re-projected onto another geometry's pixels (nearest; outside → false). */
export function maskOnGeom(mask: WcsNDMap, geom: WcsGeom): WcsNDMap {
  const { lon, lat } = geom.imageCoord("center");
  const values = mask.getByCoord({ lon, lat, frame: geom.frame });
  const out = WcsNDMap.fromGeom(geom.toImage(), { dtype: "bool" });
  for (let i = 0; i < values.length; i++) out.data[i] = values[i] ? 1 : 0; // NaN (outside) → false
  return out;
}

/** Multiply (or divide) IRF-map planes by the exposure plane of the same true energy. */
function scaleByExposure(irf: WcsNDMap, exposure: WcsNDMap, divide: boolean): void {
  const n = irf.geom.imageSize;
  const perEnergy = irf.data.length / exposure.data.length; // bins of the squashed axis per energy
  for (let p = 0; p < irf.data.length / n; p++) {
    const e = Math.floor(p / perEnergy);
    for (let i = 0; i < n; i++) {
      const w = exposure.data[e * n + i];
      const at = p * n + i;
      if (divide) {
        const v = irf.data[at] / w;
        irf.data[at] = Number.isFinite(v) ? v : 0;
      } else irf.data[at] *= w;
    }
  }
}

/**
 * Stack an IRF map weighted by exposure (gammapy's `IRFMap.stack`):
 * irf = (irf·exposure + other·other_exposure·weights) / (exposure + other_exposure·weights).
 */
export function stackIrfMap(irf: WcsNDMap, exposure: WcsNDMap, otherIrf: WcsNDMap, otherExposure: WcsNDMap, weights?: WcsNDMap): void {
  scaleByExposure(irf, exposure, false);
  const weighted = otherIrf.copy();
  scaleByExposure(weighted, otherExposure, false);
  irf.stack(weighted, weights);
  exposure.stack(otherExposure, weights);
  scaleByExposure(irf, exposure, true);
}
