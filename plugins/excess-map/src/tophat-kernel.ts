import type { Kernel } from "@gammaflow/core";

/**
 * astropy's `Tophat2DKernel(radius)` normalised to peak 1 (as gammapy's excess estimator
 * does): odd size ceil(2r) rounded up to odd, value 1 at the pixel centres with
 * x² + y² ≤ r² and 0 elsewhere (astropy's default "center" discretisation).
 */
export function tophatKernel(radiusPix: number): Kernel {
  if (!(radiusPix > 0)) throw new Error(`tophatKernel: radius must be > 0 pixels, got ${radiusPix}`);
  const ceil = Math.ceil(2 * radiusPix);
  const size = ceil % 2 === 0 ? ceil + 1 : ceil;
  const half = (size - 1) / 2;
  const data = new Float64Array(size * size);
  for (let y = -half; y <= half; y++) {
    for (let x = -half; x <= half; x++) {
      if (x * x + y * y <= radiusPix * radiusPix) data[(y + half) * size + x + half] = 1;
    }
  }
  return { data, shape: [size, size] };
}
