// The dataset side shared by the ring makers: the exclusion on the dataset's pixels, the image
// check, and the on-off dataset they return.
import { MapDatasetOnOff, WcsNDMap, type MapDataset, type WcsGeom } from "@gammaflow/core";
import { maskSafeWithOffAcceptance } from "./off-acceptance-mask.js";

/**
 * The exclusion mask on `geom`'s pixels (1 usable, 0 excluded): the mask itself when it has the
 * same grid, else looked up at each pixel centre (gammapy's `get_by_coord`); pixels the mask
 * does not cover count as usable.
 */
export function exclusionOn(geom: WcsGeom, mask: WcsNDMap | undefined): Float64Array {
  const image = geom.toImage();
  const out = new Float64Array(image.imageSize).fill(1);
  if (!mask) return out;
  if (mask.geom.toImage().equals(image)) {
    for (let i = 0; i < out.length; i++) out[i] = mask.data[i] ? 1 : 0;
    return out;
  }
  const { lon, lat } = image.imageCoord("center");
  const values = mask.getByCoord({ lon, lat, frame: image.frame });
  for (let i = 0; i < out.length; i++) out[i] = Number.isNaN(values[i]) ? 1 : values[i] ? 1 : 0;
  return out;
}

export function requireImage(dataset: MapDataset, maker: string): WcsNDMap {
  const energy = dataset.counts.geom.axes.find((a) => a.name === "energy");
  if (energy && energy.nbin !== 1)
    throw new Error(
      `${maker}: dataset '${dataset.name}' has ${energy.nbin} energy bins; ` +
        "ring backgrounds work on images (put to-image before it)",
    );
  const background = dataset.npredBackground();
  if (!background) throw new Error(`${maker}: dataset '${dataset.name}' has no background map`);
  return background;
}

export function floatMap(like: WcsNDMap, data: ArrayLike<number>, dtype: "float32" | "float64" = "float32"): WcsNDMap {
  const out = WcsNDMap.fromGeom(like.geom, { dtype });
  out.data.set(data);
  return out;
}

/** The on-off dataset with the off maps, and the safe mask cleared where no off acceptance exists. */
export function onOff(
  dataset: MapDataset,
  countsOff: WcsNDMap,
  acceptance: WcsNDMap,
  acceptanceOff: WcsNDMap,
): MapDatasetOnOff {
  const out = MapDatasetOnOff.fromMapDataset(dataset, { countsOff, acceptance, acceptanceOff, name: dataset.name });
  const mask = WcsNDMap.fromGeom(dataset.counts.geom, { dtype: "bool" });
  mask.data.set(
    maskSafeWithOffAcceptance(dataset.maskSafe?.data ?? new Uint8Array(mask.data.length).fill(1), acceptanceOff.data),
  );
  out.maskSafe = mask;
  return out;
}
