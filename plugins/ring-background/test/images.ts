import type { RingImages } from "../src/index.js";
import { fixture, maxAbs, unpack } from "./fixture.js";

/** The stacked Crab image (counts, background, exclusion) gammapy ran its makers on. */
export function fixtureImages(): RingImages {
  const im = fixture.image;
  return {
    counts: unpack(im.counts),
    background: unpack(im.background),
    exclusion: unpack(im.exclusion),
    nx: im.nx,
    ny: im.ny,
    pixelScaleDeg: im.pixelScaleDeg,
  };
}

/**
 * The absolute floor of the comparisons: scipy's fftconvolve transforms the float32 images in
 * single precision, so every gammapy value carries round-off of up to ~1e-7 × the map's
 * largest value (measured: ≤ 1.2e-7), also where the exact sum is 0 or tiny. Our sums are
 * float64 (rounded to float32 like gammapy's Map.convolve). Below 1e-6 × max the relative
 * difference says nothing; above it we require 1e-6.
 */
export function fftNoiseFloor(want: ArrayLike<number>): number {
  return 1e-6 * maxAbs(want);
}

export const RTOL = 1e-6;
