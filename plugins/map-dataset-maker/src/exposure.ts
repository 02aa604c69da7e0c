import { parseQuantity, WcsNDMap } from "@gammaflow/core";
import { evaluateOnImage } from "./offset-table.js";
import type { ComputeCache, Irf, SkyCoord, WcsGeom } from "@gammaflow/core";

/** The true-energy axis of a geometry: "energy_true" (gammapy 1.0) or v0.15's "energy". */
export function trueEnergyAxisName(geom: WcsGeom): string {
  const names = geom.axes.map((a) => a.name.toLowerCase());
  if (names.includes("energy_true")) return "energy_true";
  if (names.includes("energy")) return "energy";
  throw new Error(`exposure geometry needs an 'energy_true' axis (axes: ${geom.axesNames.join(", ") || "none"})`);
}

/** Seconds from a number (s) or a time string ("1 hour"). */
export function seconds(value: number | string): number {
  return typeof value === "number" ? value : parseQuantity(value, "s").value;
}

/**
 * Exposure (m² s) of one observation on a geometry with a true-energy axis (gammapy's
 * `make_map_exposure_true_energy`): effective area at each pixel's offset from the pointing
 * and each true-energy bin centre, times the live time. Other axes must have one bin.
 * `options.cache` keeps the offset tables (default `defaultComputeCache()`).
 */
export function makeMapExposureTrueEnergy(
  pointing: SkyCoord,
  livetime: number | string,
  aeff: Irf,
  geom: WcsGeom,
  options: { cache?: ComputeCache } = {},
): WcsNDMap {
  const energyName = trueEnergyAxisName(geom);
  for (const axis of geom.axes) {
    if (axis.name.toLowerCase() !== energyName && axis.nbin !== 1) {
      throw new Error(`exposure geometry: axis '${axis.name}' must have one bin, has ${axis.nbin}`);
    }
  }
  const time = seconds(livetime);
  const energies = geom.axisByName(energyName).center;
  // only the offset varies per pixel; the live time is applied in the same pass
  const data = evaluateOnImage(aeff, energies, geom, pointing, undefined, { factor: time, cache: options.cache });
  return WcsNDMap.fromGeom(geom, { data, unit: "m2 s", meta: { livetime: time, is_pointlike: aeff.isPointlike } });
}
