/** A 2-D convolution kernel in C order: data[iy * nx + ix], shape [ny, nx]. */
export interface Kernel2D {
  data: Float64Array;
  shape: [number, number];
}

/** astropy's default kernel size: ceil(value), bumped to the next odd integer. */
function roundUpToOddInteger(value: number): number {
  const i = Math.ceil(value);
  return i % 2 === 0 ? i + 1 : i;
}

/**
 * A square, odd-sized kernel sampled at pixel centres (astropy's "center" mode: the model
 * evaluated at integer offsets −h…h from the central pixel), 1 where `inside(r²)` and 0
 * elsewhere. astropy's disk and ring models are constant inside, so `normalize("peak")`
 * (which gammapy applies) turns every inside value into amplitude/amplitude = 1 exactly.
 */
function centredIndicatorKernel(size: number, inside: (rr: number) => boolean): Kernel2D {
  const half = (size - 1) / 2;
  const data = new Float64Array(size * size);
  for (let iy = 0; iy < size; iy++) {
    const y = iy - half;
    for (let ix = 0; ix < size; ix++) {
      const x = ix - half;
      if (inside(x * x + y * y)) data[iy * size + ix] = 1;
    }
  }
  return { data, shape: [size, size] };
}

/**
 * astropy `Ring2DKernel(rIn, width)` after `normalize("peak")` (radii in pixels): pixels whose
 * centre lies at rIn ≤ r ≤ rIn + width. Size: 2·(rIn + width) rounded up to odd. A ring that
 * catches no pixel centre stays all zeros (astropy only warns that it cannot normalise it).
 */
export function ring2DKernel(rIn: number, width: number): Kernel2D {
  if (!(rIn >= 0) || !Number.isFinite(rIn))
    throw new Error(`ring2DKernel: inner radius must be a finite number ≥ 0, got ${rIn}`);
  if (!(width > 0) || !Number.isFinite(width))
    throw new Error(`ring2DKernel: width must be a finite number > 0, got ${width}`);
  const rOut = rIn + width;
  // same floating-point bounds as astropy's Ring2D: r² ≥ r_in² and r² ≤ (r_in + width)²
  const rInSq = rIn * rIn;
  const rOutSq = rOut * rOut;
  return centredIndicatorKernel(roundUpToOddInteger(2 * rOut), (rr) => rr >= rInSq && rr <= rOutSq);
}

/**
 * astropy `Tophat2DKernel(radius)` after `normalize("peak")` (radius in pixels): pixels whose
 * centre lies within the radius. Size: 2·radius rounded up to odd (1×1 for radius ≤ 0.5).
 */
export function tophat2DKernel(radius: number): Kernel2D {
  if (!(radius > 0) || !Number.isFinite(radius))
    throw new Error(`tophat2DKernel: radius must be a finite number > 0, got ${radius}`);
  const radiusSq = radius * radius;
  return centredIndicatorKernel(roundUpToOddInteger(2 * radius), (rr) => rr <= radiusSq);
}
