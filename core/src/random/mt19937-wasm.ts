import { WASM_BASE64, WASM_UNSHARED_BASE64 } from "./mt19937.wasm.js";

// Runs mt19937.wat's bulk doubles: the generator's state is copied into the module's memory,
// the doubles are made 7680 at a time and copied out, and the state is copied back.

export interface Kernel {
  fill: (pos: number, count: number, low: number, range: number) => number;
  state: Uint32Array;
  doubles: Float64Array;
}

/** Doubles the module makes per call (its memory after the state, one 64 KiB page). */
const CHUNK = 7680;

/** undefined: not tried yet; null: WebAssembly unavailable (or refused, e.g. by a page's CSP). */
let kernel: Kernel | null | undefined;

function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  // shared memory first (its doubles copy out ~6× faster), else the same module unshared
  kernel = instantiateKernel("shared") ?? instantiateKernel("unshared");
  return kernel;
}

/** The module with its memory shared or not; null where that cannot be instantiated. */
export function instantiateKernel(memory: "shared" | "unshared"): Kernel | null {
  const base64 = memory === "shared" ? WASM_BASE64 : WASM_UNSHARED_BASE64;
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const buffer = (exports.memory as WebAssembly.Memory).buffer;
    return {
      fill: exports.fill as Kernel["fill"],
      state: new Uint32Array(buffer, 0, 624),
      doubles: new Float64Array(buffer, 4096, CHUNK),
    };
  } catch {
    return null;
  }
}

/**
 * out[i] = low + range · (the next double) for a generator's state `key` at `pos`, in
 * WebAssembly; returns the new position (the state is updated in place), or −1 where
 * WebAssembly is unavailable (nothing drawn).
 */
export function fillDoublesWasm(
  key: Uint32Array,
  pos: number,
  out: Float64Array,
  low: number,
  range: number,
  k = loadKernel(),
): number {
  if (!k) return -1;
  k.state.set(key);
  let at = pos;
  for (let i = 0; i < out.length; i += CHUNK) {
    const count = Math.min(CHUNK, out.length - i);
    at = k.fill(at, count, low, range);
    out.set(count === CHUNK ? k.doubles : k.doubles.subarray(0, count), i);
  }
  key.set(k.state);
  return at;
}
