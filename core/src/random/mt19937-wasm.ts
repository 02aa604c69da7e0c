import { WASM_BASE64, WASM_UNSHARED_BASE64 } from "./mt19937.wasm.js";

// Runs mt19937.wat's bulk doubles. The module works on the memory it is given: the generator's
// state at byte 0, doubles from byte 4096. On a page of its own it makes 7680 doubles at a time,
// copied out; on a memory of `kernelMemory` it fills the arrays there in place. The state is
// copied in before and back after.

/** The module on one memory. */
export interface Kernel {
  fill: (pos: number, out: number, count: number, low: number, range: number) => number;
  state: Uint32Array;
  buffer: ArrayBuffer | SharedArrayBuffer;
}

const PAGE_BYTES = 65536;
/** Bytes at the start of a kernel's memory for the state (624 words); its doubles follow. */
export const KERNEL_HEADER_BYTES = 4096;
/** Doubles a kernel on one page makes per call. */
const CHUNK = (PAGE_BYTES - KERNEL_HEADER_BYTES) / 8;
/** wasm32's largest memory, in pages (4 GiB). */
const MAX_PAGES = 65536;

type Variant = "shared" | "unshared";

/** The compiled modules; null: WebAssembly unavailable (or refused, e.g. by a page's CSP). */
const modules = new Map<Variant, WebAssembly.Module | null>();

function compiled(variant: Variant): WebAssembly.Module | null {
  if (!modules.has(variant)) {
    try {
      const base64 = variant === "shared" ? WASM_BASE64 : WASM_UNSHARED_BASE64;
      modules.set(variant, new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))));
    } catch {
      modules.set(variant, null);
    }
  }
  return modules.get(variant) ?? null;
}

/** The module on a new memory of `pages`, shared or not; null where that cannot be had. */
export function instantiateKernel(variant: Variant, pages = 1): Kernel | null {
  const module = compiled(variant);
  if (!module) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: variant === "shared" });
    const { exports } = new WebAssembly.Instance(module, { env: { memory } });
    return {
      fill: exports.fill as Kernel["fill"],
      state: new Uint32Array(memory.buffer, 0, 624),
      buffer: memory.buffer,
    };
  } catch {
    return null;
  }
}

/** undefined: not tried yet; null: none to be had. */
let pageKernel: Kernel | null | undefined;

function loadPageKernel(): Kernel | null {
  // shared memory first (its doubles copy out ~6× faster), else the same module unshared
  if (pageKernel === undefined) pageKernel = instantiateKernel("shared") ?? instantiateKernel("unshared");
  return pageKernel;
}

/** The kernels of `kernelMemory`'s memories, by their buffers. */
const inPlace = new WeakMap<object, Kernel>();

/**
 * Shared memory with room for `bytes` after its first KERNEL_HEADER_BYTES, whose arrays there
 * `fillDoublesWasm` fills in place (no copy: 4e6 doubles ~13 → ~10 ms); undefined where
 * WebAssembly or shared memory is unavailable. One thread at a time fills arrays on it.
 */
export function kernelMemory(bytes: number): SharedArrayBuffer | undefined {
  const pages = Math.max(1, Math.ceil((bytes + KERNEL_HEADER_BYTES) / PAGE_BYTES));
  if (pages > MAX_PAGES) return undefined;
  const kernel = instantiateKernel("shared", pages);
  if (!kernel) return undefined;
  inPlace.set(kernel.buffer, kernel);
  return kernel.buffer as SharedArrayBuffer;
}

/**
 * out[i] = low + range · (the next double) for a generator's state `key` at `pos`, in
 * WebAssembly (in place on a `kernelMemory`, else through `kernel`'s page); returns the new
 * position (the state is updated in place), or −1 where WebAssembly is unavailable (nothing drawn).
 */
export function fillDoublesWasm(
  key: Uint32Array,
  pos: number,
  out: Float64Array,
  low: number,
  range: number,
  kernel?: Kernel | null,
): number {
  const own = kernel ? undefined : inPlace.get(out.buffer);
  if (own && out.byteOffset >= KERNEL_HEADER_BYTES) {
    own.state.set(key);
    const at = own.fill(pos, out.byteOffset, out.length, low, range);
    key.set(own.state);
    return at;
  }
  const k = kernel ?? loadPageKernel();
  if (!k) return -1;
  const doubles = new Float64Array(k.buffer, KERNEL_HEADER_BYTES, CHUNK);
  k.state.set(key);
  let at = pos;
  for (let i = 0; i < out.length; i += CHUNK) {
    const count = Math.min(CHUNK, out.length - i);
    at = k.fill(at, KERNEL_HEADER_BYTES, count, low, range);
    out.set(count === CHUNK ? doubles : doubles.subarray(0, count), i);
  }
  key.set(k.state);
  return at;
}
