import { type SkyCoord, skyOffset } from "../coords/index.js";
import { angleDeg, type AngleInput, type WcsGeom } from "./geom.js";
import { WcsNDMap } from "./map.js";

/** A sky region as graph JSON spells it: a circle, or a box aligned with the frame at its centre. */
export type SkyRegion =
  | { type: "circle"; center: SkyCoord; radius: AngleInput }
  | { type: "box"; center: SkyCoord; width: AngleInput; height: AngleInput };

/**
 * Which of `geom`'s pixel centres lie in any region (a circle: separation ≤ radius; a box:
 * |offsets| ≤ half its sides in the tangent frame at its centre). Exact on the sphere, where
 * gammapy's `region_mask` approximates the region in pixel space; the two differ only for
 * pixels whose centre is within a pixel-scale error of the boundary.
 */
export function regionMask(geom: WcsGeom, regions: readonly SkyRegion[], inside = true): WcsNDMap {
  const image = geom.toImage();
  const { lon, lat } = image.imageCoord("center");
  const hit = new Uint8Array(lon.length);
  for (const [k, region] of regions.entries()) {
    const center = region.center.transformTo(geom.frame);
    if (region.type === "circle") {
      const radius = angleDeg(region.radius, `regions[${k}].radius`);
      const sep = image.separation(center);
      for (let i = 0; i < hit.length; i++) if (sep[i] <= radius) hit[i] = 1;
    } else if (region.type === "box") {
      const halfWidth = angleDeg(region.width, `regions[${k}].width`) / 2;
      const halfHeight = angleDeg(region.height, `regions[${k}].height`) / 2;
      const offset = skyOffset(lon, lat, center.lon, center.lat);
      for (let i = 0; i < hit.length; i++)
        if (Math.abs(offset.lon[i]) <= halfWidth && Math.abs(offset.lat[i]) <= halfHeight) hit[i] = 1;
    } else {
      throw new Error(
        `regions[${k}]: unknown region type '${(region as { type: string }).type}' (use "circle" or "box")`,
      );
    }
  }
  const mask = WcsNDMap.fromGeom(image, { dtype: "bool" });
  for (let i = 0; i < hit.length; i++) mask.data[i] = hit[i] === (inside ? 1 : 0) ? 1 : 0;
  return mask;
}

/** An exclusion mask in gammapy's sense: true where the data may be used (outside all regions). */
export function exclusionMask(geom: WcsGeom, regions: readonly SkyRegion[]): WcsNDMap {
  return regionMask(geom, regions, false);
}
