import { convolveDirect } from "./direct.js";
import { convolveFft, paddedSize } from "./fft.js";

export { SpectralConvolver } from "./fft.js";
export { ring2DKernel, tophat2DKernel, type Kernel2D } from "./kernels.js";

export type ConvolveMethod = "auto" | "direct" | "fft";

/**
 * Convolve one image plane with a kernel, output "same" size, float32 (gammapy's
 * `WcsNDMap.convolve`). `auto` sums directly while the kernel is small: the direct cost is
 * ny·nx·ky·kx multiply-adds, the FFT cost about 3 transforms of the padded size, each
 * ~ 5·N·log2(N) operations on complex values (with a larger constant in JavaScript).
 */
export function convolvePlane(
  plane: ArrayLike<number>,
  ny: number,
  nx: number,
  kernel: ArrayLike<number>,
  ky: number,
  kx: number,
  options: { method?: ConvolveMethod; out?: Float32Array } = {},
): Float32Array {
  if (plane.length !== ny * nx)
    throw new Error(`convolvePlane: plane has ${plane.length} values, expected ${ny}×${nx}`);
  if (kernel.length !== ky * kx)
    throw new Error(`convolvePlane: kernel has ${kernel.length} values, expected ${ky}×${kx}`);
  const out = options.out ?? new Float32Array(ny * nx);
  const method = options.method ?? "auto";
  const useFft = method === "fft" || (method === "auto" && directCost(ny, nx, ky, kx) > fftCost(ny, nx, ky, kx));
  return useFft ? convolveFft(plane, ny, nx, kernel, ky, kx, out) : convolveDirect(plane, ny, nx, kernel, ky, kx, out);
}

function directCost(ny: number, nx: number, ky: number, kx: number): number {
  return ny * nx * ky * kx;
}

function fftCost(ny: number, nx: number, ky: number, kx: number): number {
  const n = paddedSize(ny, ky) * paddedSize(nx, kx);
  return 3 * 20 * n * Math.log2(n);
}
