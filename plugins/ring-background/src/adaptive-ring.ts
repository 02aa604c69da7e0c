import { angleDeg, ring2DKernel, tophat2DKernel, type AngleInput } from "@gammaflow/core";
import { numpyArange } from "./arange.js";
import { convolveSame, pairConvolver, type ConvolveMethod } from "./convolve-same.js";
import { checkImages, excluded, type RingImages } from "./image-input.js";

export const ADAPTIVE_RING_METHODS = ["fixed_width", "fixed_r_in"] as const;
export type AdaptiveRingMethod = (typeof ADAPTIVE_RING_METHODS)[number];

/** The ring geometry of gammapy's `AdaptiveRingBackgroundMaker` (angles in deg or strings with a unit). */
export interface AdaptiveRingParams {
  rIn: AngleInput;
  rOutMax: AngleInput;
  width: AngleInput;
  /** Radius increment between successive rings (gammapy default 0.02 deg). */
  stepsize?: AngleInput;
  /** "fixed_width" grows the inner radius, "fixed_r_in" the width (gammapy default "fixed_width"). */
  method?: AdaptiveRingMethod;
}

export interface AdaptiveRingOffMapsOptions extends RingImages, AdaptiveRingParams {
  /** The first ring whose approximate alpha (acceptance / off acceptance) is ≤ this is used (default 0.1). */
  thresholdAlpha?: number;
  /**
   * Integration radius of the on acceptance (default 0.22 deg; see `adaptiveRingOffMaps` for how gammapy 1.0 uses
   * it).
   */
  theta?: AngleInput;
  /** How core convolves (default "auto"; gammapy always uses FFTs). */
  convolveMethod?: ConvolveMethod;
}

export interface AdaptiveRingOffMaps {
  /** NaN where no ring reaches the alpha threshold. */
  countsOff: Float64Array;
  acceptanceOff: Float64Array;
  acceptance: Float64Array;
}

/**
 * The (inner radius, width) pairs, in pixels, of gammapy's adaptive ring kernels, smallest
 * first: np.arange over the inner radius up to r_out_max − width ("fixed_width") or over
 * the width up to r_out_max − r_in ("fixed_r_in"); the end point itself is never included.
 */
export function adaptiveRingKernelRadii(params: AdaptiveRingParams & { pixelScaleDeg: number }): [number, number][] {
  const method = params.method ?? "fixed_width";
  if (!ADAPTIVE_RING_METHODS.includes(method))
    throw new Error(`adaptive ring: method must be one of ${ADAPTIVE_RING_METHODS.join(", ")}, got '${method}'`);
  const scale = params.pixelScaleDeg;
  const rIn = angleDeg(params.rIn, "rIn") / scale;
  const rOutMax = angleDeg(params.rOutMax, "rOutMax") / scale;
  const width = angleDeg(params.width, "width") / scale;
  const stepsize = angleDeg(params.stepsize ?? "0.02 deg", "stepsize") / scale;
  if (method === "fixed_width") return numpyArange(rIn, rOutMax - width, stepsize).map((r) => [r, width]);
  return numpyArange(width, rOutMax - rIn, stepsize).map((w) => [rIn, w]);
}

/**
 * gammapy 1.0 `AdaptiveRingBackgroundMaker.make_cubes` + `_reduce_cubes` on one image: for
 * every pixel, the off counts / off acceptance of the smallest ring (in kernel order) whose
 * approximate alpha = acceptance / off acceptance is ≤ thresholdAlpha (∞ where the off
 * acceptance is ≤ 0), and the acceptance it was compared with; NaN where no ring qualifies.
 * Rings are convolved one after the other, stopping once every pixel has its ring: the same
 * result as gammapy's full cubes.
 */
export function adaptiveRingOffMaps(options: AdaptiveRingOffMapsOptions): AdaptiveRingOffMaps {
  checkImages(options, "adaptiveRingOffMaps");
  const { counts, background, exclusion, nx, ny, pixelScaleDeg } = options;
  const threshold = options.thresholdAlpha ?? 0.1;
  const rings = adaptiveRingKernelRadii(options).map(([rIn, width]) => ring2DKernel(rIn, width));
  // gammapy 1.0 computes `theta = self.theta * scale` (deg × deg, a value of ~0.004 for 0.22°
  // at 0.02° pixels) instead of theta / scale (11 pixels): the tophat is a single pixel, so the
  // "acceptance" is the background pixel itself rather than its sum within theta. That looks
  // like a bug (it makes alpha ~ 1 / ring area in pixels), but it is what gammapy 1.0 computes,
  // so it is reproduced here. (gammapy takes theta's value in its own unit; we take degrees.)
  const tophatRadius = angleDeg(options.theta ?? "0.22 deg", "theta") * pixelScaleDeg;
  const acceptanceImage = convolveSame(background, nx, ny, tophat2DKernel(tophatRadius), options.convolveMethod);
  const countsExcluded = excluded(counts, exclusion);
  const backgroundExcluded = excluded(background, exclusion);

  const n = nx * ny;
  const out: AdaptiveRingOffMaps = {
    countsOff: new Float64Array(n).fill(NaN),
    acceptanceOff: new Float64Array(n).fill(NaN),
    acceptance: new Float64Array(n).fill(NaN),
  };
  let unset = n;
  const largest: [number, number] = [
    Math.max(1, ...rings.map((r) => r.shape[0])),
    Math.max(1, ...rings.map((r) => r.shape[1])),
  ];
  const convolve = pairConvolver(countsExcluded, backgroundExcluded, nx, ny, largest, options.convolveMethod);
  for (const ring of rings) {
    if (unset === 0) break;
    const [countsOff, acceptanceOff] = convolve(ring);
    for (let p = 0; p < n; p++) {
      if (!Number.isNaN(out.countsOff[p])) continue;
      const alpha = acceptanceOff[p] > 0 ? acceptanceImage[p] / acceptanceOff[p] : Infinity;
      if (!(alpha <= threshold)) continue;
      out.countsOff[p] = countsOff[p];
      out.acceptanceOff[p] = acceptanceOff[p];
      out.acceptance[p] = acceptanceImage[p];
      if (!Number.isNaN(countsOff[p])) unset--;
    }
  }
  return out;
}
