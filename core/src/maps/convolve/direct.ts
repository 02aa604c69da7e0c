/**
 * "Same"-size 2-D convolution by direct summation (zero boundary): the full linear
 * convolution cropped starting at (K−1)//2 per dimension, like scipy's fftconvolve(mode="same").
 */
export function convolveDirect(
  plane: ArrayLike<number>, ny: number, nx: number,
  kernel: ArrayLike<number>, ky: number, kx: number,
  out: Float32Array,
): Float32Array {
  const oy = (ky - 1) >> 1;
  const ox = (kx - 1) >> 1;
  const acc = new Float64Array(nx);
  for (let i = 0; i < ny; i++) {
    acc.fill(0);
    // out[i][j] = Σ plane[p][q] · kernel[i+oy−p][j+ox−q]
    for (let a = 0; a < ky; a++) {
      const p = i + oy - a;
      if (p < 0 || p >= ny) continue;
      const rowBase = p * nx;
      const kRow = a * kx;
      for (let b = 0; b < kx; b++) {
        const w = kernel[kRow + b];
        if (w === 0) continue;
        const shift = ox - b; // q = j + shift
        const jStart = Math.max(0, -shift);
        const jStop = Math.min(nx, nx - shift);
        for (let j = jStart; j < jStop; j++) acc[j] += w * plane[rowBase + j + shift];
      }
    }
    for (let j = 0; j < nx; j++) out[i * nx + j] = acc[j];
  }
  return out;
}
