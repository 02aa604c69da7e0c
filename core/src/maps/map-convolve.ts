import { convolvePlane, type ConvolveMethod } from "./convolve/index.js";

export type { ConvolveMethod };

/** A convolution kernel: one 2-D plane (ky×kx) or one plane per map plane. */
export interface Kernel {
  data: ArrayLike<number>;
  /** (planes?, ky, kx) in C order. */
  shape: readonly number[];
}

/** Convolve each of `planes` image planes (ny×nx) with the matching kernel plane. */
export function convolveCube(
  data: ArrayLike<number> & { subarray(begin: number, end: number): ArrayLike<number> },
  nx: number,
  ny: number,
  planes: number,
  kernel: Kernel,
  method: ConvolveMethod,
): Float32Array {
  const [ky, kx] = kernel.shape.slice(-2);
  const kernelPlanes = kernel.shape.length > 2 ? kernel.shape.slice(0, -2).reduce((a, b) => a * b, 1) : 1;
  if (kernelPlanes !== 1 && kernelPlanes !== planes) {
    throw new Error(`convolve: kernel has ${kernelPlanes} planes, map has ${planes}`);
  }
  if (kernel.data.length !== kernelPlanes * ky * kx) {
    throw new Error(
      `convolve: kernel data length ${kernel.data.length} does not match shape (${kernel.shape.join(", ")})`,
    );
  }
  const n = nx * ny;
  const out = new Float32Array(planes * n);
  const kdata = kernel.data as ArrayLike<number> & { subarray?: (b: number, e: number) => ArrayLike<number> };
  for (let p = 0; p < planes; p++) {
    const kp = kernelPlanes === 1 ? 0 : p;
    const kslice = kdata.subarray
      ? kdata.subarray(kp * ky * kx, (kp + 1) * ky * kx)
      : Array.prototype.slice.call(kdata, kp * ky * kx, (kp + 1) * ky * kx);
    convolvePlane(data.subarray(p * n, (p + 1) * n), ny, nx, kslice, ky, kx, {
      method,
      out: out.subarray(p * n, (p + 1) * n),
    });
  }
  return out;
}
