/** The image inputs shared by the ring makers: flat ny×nx arrays in C order (row = latitude pixel). */
export interface RingImages {
  counts: ArrayLike<number>;
  /** gammapy's `dataset.npred_background()` image. */
  background: ArrayLike<number>;
  /** 1 (true) where the pixel may be used for the off estimate, 0 where it is excluded. */
  exclusion: ArrayLike<number>;
  nx: number;
  ny: number;
  /** The geometry's pixel size, deg (gammapy `geom.pixel_scales[0]`). */
  pixelScaleDeg: number;
}

export function checkImages(images: RingImages, what: string): void {
  const { nx, ny, pixelScaleDeg } = images;
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 1 || ny < 1)
    throw new Error(`${what}: nx, ny must be positive integers, got ${nx}, ${ny}`);
  if (!(pixelScaleDeg > 0) || !Number.isFinite(pixelScaleDeg))
    throw new Error(`${what}: pixelScaleDeg must be > 0, got ${pixelScaleDeg}`);
  for (const name of ["counts", "background", "exclusion"] as const) {
    if (images[name].length !== nx * ny)
      throw new Error(`${what}: ${name} has ${images[name].length} values, expected ${ny}×${nx}`);
  }
}

/** data × exclusion, cast to float32 as gammapy does before convolving (`counts * exclusion`). */
export function excluded(data: ArrayLike<number>, exclusion: ArrayLike<number>): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * exclusion[i];
  return out;
}
