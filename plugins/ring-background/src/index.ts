// the astropy kernels live in core (the excess map's correlation uses the top-hat too)
export { ring2DKernel, tophat2DKernel, type Kernel2D } from "@gammaflow/core";
export { numpyArange } from "./arange.js";
export { convolveSame, type ConvolveMethod } from "./convolve-same.js";
export type { RingImages } from "./image-input.js";
export { ringOffMaps, type RingOffMapsOptions, type RingOffMaps } from "./ring.js";
export {
  adaptiveRingOffMaps,
  adaptiveRingKernelRadii,
  ADAPTIVE_RING_METHODS,
  type AdaptiveRingMethod,
  type AdaptiveRingParams,
  type AdaptiveRingOffMapsOptions,
  type AdaptiveRingOffMaps,
} from "./adaptive-ring.js";
export { maskSafeWithOffAcceptance } from "./off-acceptance-mask.js";
export { RingBackgroundMaker, type RingBackgroundMakerOptions } from "./ring-background-maker.js";
export {
  AdaptiveRingBackgroundMaker,
  type AdaptiveRingBackgroundMakerOptions,
} from "./adaptive-ring-background-maker.js";
export { exclusionOn } from "./ring-dataset.js";
export { ringBackgroundPlugin, adaptiveRingBackgroundPlugin } from "./plugin.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { adaptiveRingBackgroundPlugin, ringBackgroundPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [ringBackgroundPlugin, adaptiveRingBackgroundPlugin];
