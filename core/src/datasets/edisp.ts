import type { WcsNDMap } from "../maps/index.js";
import { EDispKernelMap } from "./edisp-kernel-map.js";
import { EDispMap } from "./edisp-map.js";

/** A dataset's energy dispersion: per-pixel migration densities, or per-pixel kernels (gammapy 1.0's default). */
export type EDisp = EDispMap | EDispKernelMap;

/**
 * The energy dispersion a map holds, as gammapy reads a dataset's EDISP HDU: a kernel map when
 * its first axis is reconstructed energy, else a migration map.
 */
export function edispFromMaps(edispMap: WcsNDMap, exposureMap?: WcsNDMap): EDisp {
  return edispMap.geom.axes[0]?.name === "energy"
    ? new EDispKernelMap(edispMap, exposureMap)
    : new EDispMap(edispMap, exposureMap);
}

/** The same kind of energy dispersion with `f` applied to its map and `exposureF` (default `f`) to its exposure map. */
export function mapEdisp(
  edisp: EDisp,
  f: (map: WcsNDMap) => WcsNDMap,
  exposureF: (map: WcsNDMap) => WcsNDMap = f,
): EDisp {
  const exposure = edisp.exposureMap && exposureF(edisp.exposureMap);
  return edisp instanceof EDispKernelMap
    ? new EDispKernelMap(f(edisp.edispMap), exposure)
    : new EDispMap(f(edisp.edispMap), exposure);
}
