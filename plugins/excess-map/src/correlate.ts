import { WcsGeom, WcsNDMap, type Kernel } from "@gammaflow/core";

/**
 * Correlates images of one size with one kernel through core's `WcsNDMap.convolve`
 * (zero boundary, scipy's "same" alignment, float32 output like gammapy's convolved maps).
 * The geometry only carries the image shape: correlation is pure pixel arithmetic.
 */
export class ImageCorrelator {
  private readonly geom: WcsGeom;

  constructor(readonly nx: number, readonly ny: number, pixelScaleDeg: number, readonly kernel: Kernel) {
    this.geom = WcsGeom.create({ npix: [nx, ny], binsz: pixelScaleDeg });
  }

  correlate(image: Float64Array): Float32Array {
    if (image.length !== this.nx * this.ny) {
      throw new Error(`correlate: image has ${image.length} pixels, expected ${this.nx}×${this.ny}`);
    }
    return WcsNDMap.fromGeom(this.geom, { data: image }).convolve(this.kernel).data;
  }
}

/** numpy's rint: nearest integer, ties to even. */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
