import { angleDeg, ring2DKernel, type AngleInput } from "@gammaflow/core";
import { pairConvolver, type ConvolveMethod } from "./convolve-same.js";
import { checkImages, excluded, type RingImages } from "./image-input.js";

export interface RingOffMapsOptions extends RingImages {
  /** Inner ring radius (deg, or a string with a unit). */
  rIn: AngleInput;
  /** Ring width (deg, or a string with a unit). */
  width: AngleInput;
  /** How core convolves (default "auto"; gammapy always uses FFTs). */
  convolveMethod?: ConvolveMethod;
}

export interface RingOffMaps {
  countsOff: Float32Array;
  acceptanceOff: Float32Array;
}

/**
 * gammapy 1.0 `RingBackgroundMaker.make_maps_off` on one image: counts and background with
 * the excluded pixels zeroed, each convolved with the peak-normalised ring kernel (radii
 * divided by the pixel scale). gammapy's on-acceptance is the background image itself.
 */
export function ringOffMaps(options: RingOffMapsOptions): RingOffMaps {
  checkImages(options, "ringOffMaps");
  const { counts, background, exclusion, nx, ny, pixelScaleDeg } = options;
  const ring = ring2DKernel(
    angleDeg(options.rIn, "rIn") / pixelScaleDeg,
    angleDeg(options.width, "width") / pixelScaleDeg,
  );
  const convolve = pairConvolver(
    excluded(counts, exclusion),
    excluded(background, exclusion),
    nx,
    ny,
    ring.shape,
    options.convolveMethod,
  );
  const [countsOff, acceptanceOff] = convolve(ring);
  return { countsOff, acceptanceOff };
}
