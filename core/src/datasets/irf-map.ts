import { SkyCoord } from "../coords/index.js";
import type { WcsNDMap } from "../maps/index.js";

/**
 * `position` itself when the IRF map is defined there (non-zero in some bin of its non-spatial
 * axes), else the centre of the nearest pixel where it is (gammapy's `IRFMap
 * ._get_nearest_valid_position`); `position` too when the map is zero everywhere.
 */
export function nearestValidPosition(irfMap: WcsNDMap, position: SkyCoord, warn?: (message: string) => void): SkyCoord {
  const geom = irfMap.geom;
  const n = geom.imageSize;
  const data = irfMap.data;
  const [ix, iy] = geom.toImage().coordToIdx(position);
  // the position's own pixel first: the whole map is looked at only when it is not valid there
  if (ix[0] >= 0 && iy[0] >= 0) {
    for (let i = iy[0] * geom.nx + ix[0]; i < data.length; i += n) if (data[i] > 0) return position;
  }
  const valid = new Uint8Array(n);
  for (let plane = 0; plane < data.length; plane += n)
    for (let i = 0; i < n; i++) if (data[plane + i] > 0) valid[i] = 1;
  if (!valid.includes(1)) return position;
  const separation = geom.separation(position);
  let best = -1;
  for (let i = 0; i < n; i++) if (valid[i] && (best < 0 || separation[i] < separation[best])) best = i;
  const [lon, lat] = geom.wcs.pixToWorld1(best % geom.nx, Math.floor(best / geom.nx));
  const nearest = new SkyCoord(lon, lat, geom.frame);
  warn?.(
    `Position ${position.toString()} is outside the valid IRF map range; ` +
      `using the nearest IRF defined within, ${nearest.toString()}`,
  );
  return nearest;
}

/**
 * The flat index of the image pixel nearest to `position`, with gammapy's rule for a point
 * lookup (`to_region_nd_map` → scipy's nearest interpolation on pixel coordinates): a position
 * half-way between two pixel centres takes the lower one. An error outside the map.
 */
export function imagePixelAt(irfMap: WcsNDMap, position: SkyCoord, what: string): number {
  const geom = irfMap.geom;
  const [px, py] = geom.toImage().coordToPix(position);
  const ix = nearestIndex(px[0], geom.nx);
  const iy = nearestIndex(py[0], geom.ny);
  if (ix < 0 || iy < 0) throw new Error(`${what}: position ${position.toString()} is outside the map`);
  return iy * geom.nx + ix;
}

/** scipy's nearest grid index of pixel coordinate `p` (ties to the lower index); −1 outside [−0.5, n − 0.5]. */
function nearestIndex(p: number, n: number): number {
  if (!(p >= -0.5 && p <= n - 0.5)) return -1;
  const i = Math.min(Math.max(Math.floor(p), 0), n - 2);
  if (n === 1) return 0;
  return p - i <= 0.5 ? i : i + 1;
}
