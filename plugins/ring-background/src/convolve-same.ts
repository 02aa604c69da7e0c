import { convolvePlane, SpectralConvolver, type ConvolveMethod, type Kernel2D } from "@gammaflow/core";

export type { ConvolveMethod };

/**
 * scipy.signal's "same"-size convolution of one ny×nx image (zero boundary; output window
 * starting at (k − 1)//2 per axis, for odd and even kernels alike) through core's
 * `convolvePlane`. Like gammapy, the image is cast to float32 first and the result is
 * float32. Core sums in float64 (directly or through float64 FFTs), whereas scipy transforms
 * float32 input in single precision: gammapy's values carry round-off of ~1e-7 × the image's
 * largest convolved value, ours are closer to the exact sums.
 */
export function convolveSame(
  image: ArrayLike<number>,
  nx: number,
  ny: number,
  kernel: Kernel2D,
  method: ConvolveMethod = "auto",
): Float32Array {
  if (image.length !== nx * ny) throw new Error(`convolveSame: image has ${image.length} values, expected ${ny}×${nx}`);
  return convolvePlane(Float32Array.from(image), ny, nx, kernel.data, kernel.shape[0], kernel.shape[1], { method });
}

/**
 * Two images convolved with the same kernels, as many times as asked: by FFT (the pair shares
 * one complex transform, computed once), or plane by plane through `convolveSame` when a
 * method other than "auto"/"fft" is asked for. Same numbers as `convolveSame` within float64
 * round-off of the largest value.
 */
export function pairConvolver(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  nx: number,
  ny: number,
  maxKernel: [number, number],
  method: ConvolveMethod = "auto",
): (kernel: Kernel2D) => [Float32Array, Float32Array] {
  if (method === "direct")
    return (kernel) => [convolveSame(a, nx, ny, kernel, method), convolveSame(b, nx, ny, kernel, method)];
  // float32 inputs, as gammapy casts before convolving
  const spectral = new SpectralConvolver(
    ny,
    nx,
    maxKernel[0],
    maxKernel[1],
    Float32Array.from(a),
    Float32Array.from(b),
  );
  return (kernel) => spectral.convolve(kernel.data, kernel.shape[0], kernel.shape[1]) as [Float32Array, Float32Array];
}
