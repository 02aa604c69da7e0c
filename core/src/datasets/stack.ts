import { WcsNDMap, type WcsGeom } from "../maps/index.js";
import { convert } from "../units/index.js";

/**
 * A boolean mask re-projected onto another geometry's pixels (nearest; outside → false).
 * The IRF grids' pixel centres lie exactly on mask pixel edges, so the choice of neighbour
 * is made by rounding: with correctly rounded WCS trigonometry it is gammapy's (wcslib's).
 */
export function maskOnGeom(mask: WcsNDMap, geom: WcsGeom): WcsNDMap {
  const { lon, lat } = geom.precise().imageCoord("center");
  const idx = mask.geom.precise().coordToIdx({ lon, lat, frame: geom.frame });
  const values = mask.getByIdx(idx);
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
 * `other` is added over the overlap directly, without an intermediate weighted copy.
 */
export function stackIrfMap(irf: WcsNDMap, exposure: WcsNDMap, otherIrf: WcsNDMap, otherExposure: WcsNDMap, weights?: WcsNDMap): void {
  scaleByExposure(irf, exposure, false);
  const on = otherIrf.geom.imageSize;
  const perEnergy = otherIrf.data.length / otherExposure.data.length;
  const target = irf.data;
  const source = otherIrf.data;
  const otherExp = otherExposure.data;
  const w = weights?.data;
  // units as gammapy's Map.stack converts them (a run's PSF map is in deg⁻², the stack in sr⁻¹)
  const unitFactor = (from: string, to: string) => (from === to ? 1 : convert(1, from, to));
  const factor = unitFactor(otherIrf.unit, irf.unit) * unitFactor(otherExposure.unit, exposure.unit);
  irf.overlapRows(otherIrf, (selfStart, otherStart, length, plane) => {
    const pixel = otherStart - plane * on; // position within the other map's image plane
    const expStart = Math.floor(plane / perEnergy) * on + pixel;
    for (let i = 0; i < length; i++) {
      let v = source[otherStart + i] * otherExp[expStart + i] * factor;
      if (!Number.isFinite(v)) v = 0;
      if (w) v *= w[pixel + i];
      target[selfStart + i] += v;
    }
  });
  exposure.stack(otherExposure, weights);
  scaleByExposure(irf, exposure, true);
}
