import { convert, skyOffset, transformFrame, WcsNDMap, type Irf, type SkyCoord, type WcsGeom } from "@gammaflow/core";
import { trapzLogLogBins } from "./integrate.js";

export interface BackgroundOptions {
  /** Evaluate on an energy axis this many times finer, then sum back (gammapy's oversampling). */
  oversampling?: number;
}

/**
 * Predicted background counts of one observation (gammapy 1.0's `make_map_background_irf`):
 * the background rate at each pixel's field-of-view coordinates, integrated over each
 * reconstructed-energy bin in log-log, times the pixel solid angle and the observation time.
 */
export function makeMapBackgroundIrf(pointing: SkyCoord, ontime: number, bkg: Irf, geom: WcsGeom, options: BackgroundOptions = {}): WcsNDMap {
  const factor = options.oversampling ?? 1;
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`background oversampling must be a positive integer, got ${factor}`);
  const fine = factor > 1 ? geom.upsample(factor, "energy") : geom;
  const edges = fine.axisByName("energy").edges;
  const nbin = edges.length - 1;
  for (const axis of fine.axes) {
    if (axis.name.toLowerCase() !== "energy" && axis.nbin !== 1) throw new Error(`background geometry: axis '${axis.name}' must have one bin`);
  }
  const fov = fieldOfViewCoords(pointing, bkg, fine);
  const solidAngle = fine.solidAngle();
  const n = fine.imageSize;
  // the rate is per MeV: integrating over energies in TeV needs this factor
  const unitFactor = convert(1, `${bkg.unit} TeV sr s`, "");
  const data = trapzLogLogBins(bkg.evaluateOuter(edges, fov), edges, n); // rates at [edge][pixel] → [bin][pixel]
  for (let k = 0; k < nbin; k++) {
    for (let i = 0; i < n; i++) data[k * n + i] *= solidAngle[i] * ontime * unitFactor;
  }
  const map = WcsNDMap.fromGeom(fine, { data });
  return factor > 1 ? sumEnergyBins(map, factor, geom) : map;
}

/** The background IRF's spatial coordinates of each pixel: offset, or FoV lon/lat (RADEC). */
function fieldOfViewCoords(pointing: SkyCoord, bkg: Irf, geom: WcsGeom): Record<string, Float64Array> {
  if (bkg.axes.some((a) => a.name === "offset")) return { offset: geom.separation(pointing) };
  if (bkg.fovAlignment !== "RADEC") {
    throw new Error(`background IRF aligned with ${bkg.fovAlignment}: only RADEC-aligned backgrounds are supported so far`);
  }
  const { lon, lat } = geom.imageCoord("center");
  const icrs = transformFrame(lon, lat, geom.frame, "icrs");
  const p = pointing.transformTo("icrs");
  // gammapy 1.0 uses the sky-offset-frame longitude as fov_lon (no GADF sign flip)
  const offset = skyOffset(icrs.lon, icrs.lat, p.lon, p.lat);
  return { fov_lon: offset.lon, fov_lat: offset.lat };
}

/** Sum groups of `factor` consecutive energy planes back onto `target`'s energy axis. */
function sumEnergyBins(map: WcsNDMap, factor: number, target: WcsGeom): WcsNDMap {
  const n = target.imageSize;
  const nbin = target.axisByName("energy").nbin;
  const data = new Float64Array(nbin * n);
  for (let k = 0; k < nbin * factor; k++) {
    const into = Math.floor(k / factor) * n;
    for (let i = 0; i < n; i++) data[into + i] += map.data[k * n + i];
  }
  return WcsNDMap.fromGeom(target, { data });
}
