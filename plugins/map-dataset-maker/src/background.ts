import { convert, defaultComputeCache, exactKey, skyOffsetFromVectors, WcsNDMap } from "@gammaflow/core";
import type { ComputeCache, Irf, SkyCoord, WcsGeom } from "@gammaflow/core";
import { backgroundTable, integrateBackground } from "./background-kernel.js";
import { tunedPaths } from "@gammaflow/core/internals";
import { trapzLogLogBins } from "./integrate.js";

export interface BackgroundOptions {
  /** Evaluate on an energy axis this many times finer, then sum back (gammapy's oversampling). */
  oversampling?: number;
  /** Where FoV coordinates, kernel tables and work memory are kept (default `defaultComputeCache()`). */
  cache?: ComputeCache;
}

/**
 * Predicted background counts of one observation (gammapy 1.0's `make_map_background_irf`):
 * the background rate at each pixel's field-of-view coordinates, integrated over each
 * reconstructed-energy bin in log-log, times the pixel solid angle and the observation time.
 */
export function makeMapBackgroundIrf(
  pointing: SkyCoord,
  ontime: number,
  bkg: Irf,
  geom: WcsGeom,
  options: BackgroundOptions = {},
): WcsNDMap {
  const factor = options.oversampling ?? 1;
  if (!Number.isInteger(factor) || factor < 1)
    throw new Error(`background oversampling must be a positive integer, got ${factor}`);
  const fine = factor > 1 ? geom.upsample(factor, "energy") : geom;
  const edges = fine.axisByName("energy").edges;
  for (const axis of fine.axes) {
    if (axis.name.toLowerCase() !== "energy" && axis.nbin !== 1)
      throw new Error(`background geometry: axis '${axis.name}' must have one bin`);
  }
  const cache = options.cache ?? defaultComputeCache();
  const fov = fieldOfViewCoords(pointing, bkg, fine, cache);
  const solidAngle = fine.solidAngle();
  // the rate is per MeV: integrating over energies in TeV needs this factor
  const unitFactor = convert(1, `${bkg.unit} TeV sr s`, "");
  // the per-pixel factor (solid angle × time × unit), in the same order, computed once
  const pixelFactor = timesFactors(solidAngle, ontime, unitFactor);
  // the usual case in one pass per pixel; the general path gives the same numbers
  const table = tunedPaths() && fov.fov_lon && fov.fov_lat ? backgroundTable(bkg, cache) : undefined;
  const fast = table && integrateBackground(table, edges, fov.fov_lon, fov.fov_lat, pixelFactor, "wasm", cache);
  const data = fast || integrateGeneral(bkg, edges, fov, pixelFactor, cache);
  const map = WcsNDMap.fromGeom(fine, { data });
  return factor > 1 ? sumEnergyBins(map, factor, geom) : map;
}

/**
 * The general path: the rates and their logarithms at [edge][pixel] (in reused buffers:
 * fresh large arrays cost page faults), then the log-log integral of each bin → [bin][pixel].
 */
function integrateGeneral(
  bkg: Irf,
  edges: Float64Array,
  fov: Record<string, Float64Array>,
  pixelFactor: Float64Array,
  cache: ComputeCache,
): Float64Array {
  const n = pixelFactor.length;
  const size = edges.length * n;
  let scratch = cache.get<Scratch>(SCRATCH, "rates and logs");
  // kept in the cache so that its memory counts under the cap (it is overwritten before it is read)
  if (!scratch || scratch.rates.length < size) {
    scratch = { rates: new Float64Array(size), logs: new Float64Array(size) };
    cache.set(SCRATCH, "rates and logs", scratch, 16 * size);
  }
  const logs = scratch.logs.subarray(0, size);
  const rates = bkg.evaluateOuter(edges, fov, { out: scratch.rates, logOut: logs });
  return trapzLogLogBins(rates, edges, n, { logs, pointFactor: pixelFactor });
}

/** The background IRF's spatial coordinates of each pixel: offset, or FoV lon/lat (RADEC). */
function fieldOfViewCoords(
  pointing: SkyCoord,
  bkg: Irf,
  geom: WcsGeom,
  cache: ComputeCache,
): Record<string, Float64Array> {
  if (bkg.axes.some((a) => a.name === "offset")) return { offset: geom.separation(pointing) };
  if (bkg.fovAlignment !== "RADEC") {
    throw new Error(
      `background IRF aligned with ${bkg.fovAlignment}: only RADEC-aligned backgrounds are supported so far`,
    );
  }
  const p = pointing.transformTo("icrs");
  // runs share grids and often pointings (wobble positions): the coordinates are kept
  const key = `${exactKey(p.lon)} ${exactKey(p.lat)} ${geom.gridKey}`;
  let coords = cache.get<Record<string, Float64Array>>(FOV_COORDS, key);
  if (!coords) {
    // gammapy 1.0 uses the sky-offset-frame longitude as fov_lon (no GADF sign flip)
    const offset = skyOffsetFromVectors(geom.imageVectorsIn("icrs"), p.lon, p.lat);
    const bytes = offset.lon.byteLength + offset.lat.byteLength;
    coords = cache.set(FOV_COORDS, key, { fov_lon: offset.lon, fov_lat: offset.lat }, bytes);
  }
  return coords;
}

/** The compute-cache namespace of FoV coordinates by pointing and grid (read only: never modified). */
const FOV_COORDS = "background fov coordinates";

/** The general path's buffers, reused between calls: fresh large arrays cost page faults. */
const SCRATCH = "background work memory (js)";
type Scratch = { rates: Float64Array; logs: Float64Array };

/** values[i]·a·b for every i (a loop in a function of its own: V8 optimises it sooner). */
function timesFactors(values: Float64Array, a: number, b: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * a * b;
  return out;
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
