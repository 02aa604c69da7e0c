import { defaultComputeCache, type ComputeCache } from "@gammaflow/core";
import { FAST_EXP, LN_TWO_TINY_ABOVE } from "@gammaflow/core/internals";
import { WASM_BASE64 } from "./background-kernel.wasm.js";
import { LN_TINY, powerLawIntegral } from "./integrate.js";
// (a cycle with background-kernel.ts, which calls this module: only function declarations
// cross it, and those are bound before either module runs)
import { irregularEdgeValue, type BackgroundTable, type EdgeCells } from "./background-kernel.js";

// Loads background-kernel.wat's module (compiled by scripts/build-wasm.mjs) and runs the
// background kernel's pixel loop in it: the arrays are copied into its memory, the result out.

type Run = (...args: number[]) => void;

interface Kernel {
  run: Run;
  memory: WebAssembly.Memory;
  /** First free byte after fastExp's tables. */
  heap: number;
}

/** undefined: not tried yet; null: WebAssembly unavailable here (the JavaScript loop is used). */
let compiled: WebAssembly.Module | null | undefined;

/** The compute-cache namespace of the instance and its memory: its bytes then count under the cap. */
const KERNEL = "background work memory (wasm)";

const PAGE = 65536;

/**
 * An instance whose memory holds `bytes` after fastExp's tables. The memory is never grown:
 * growing detaches its old ArrayBuffer, and once any buffer has been detached V8 compiles
 * every typed-array access with a detached-buffer check (its "array buffer detaching
 * protector"): measured, the other stages' loops then ran ~10 % slower than the kernel saved.
 * A larger need gets a new memory and instance instead.
 */
function kernelFor(bytes: number, cache: ComputeCache): Kernel | undefined {
  if (compiled === undefined)
    compiled =
      typeof WebAssembly === "undefined"
        ? null
        : new WebAssembly.Module(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)));
  if (!compiled) return undefined;
  const { twoToJ, pow2, pow2Offset } = FAST_EXP;
  const heap = twoToJ.byteLength + pow2.byteLength;
  const kernel = cache.get<Kernel>(KERNEL, "instance");
  if (kernel && kernel.memory.buffer.byteLength >= heap + bytes) return kernel;
  if (twoToJ.length !== 64)
    throw new Error("background WebAssembly kernel: fastExp's steps changed (the module assumes 64)");
  // room for a quarter more than asked: maps of slightly different sizes reuse the instance
  const memory = new WebAssembly.Memory({ initial: Math.ceil((heap + bytes * 1.25) / PAGE) });
  new Float64Array(memory.buffer, 0, twoToJ.length).set(twoToJ);
  new Float64Array(memory.buffer, twoToJ.byteLength, pow2.length).set(pow2);
  const f64 = (value: number) => new WebAssembly.Global({ value: "f64", mutable: false }, value);
  const i32 = (value: number) => new WebAssembly.Global({ value: "i32", mutable: false }, value);
  const instance = new WebAssembly.Instance(compiled, {
    js: {
      memory,
      irregular: irregularEdgeValue,
      powerLaw: powerLawIntegral,
      stepsPerLn2: f64(FAST_EXP.stepsPerLn2),
      rounder: f64(FAST_EXP.rounder),
      ln2Hi: f64(FAST_EXP.ln2Hi),
      ln2Lo: f64(FAST_EXP.ln2Lo),
      c6: f64(FAST_EXP.c6),
      c24: f64(FAST_EXP.c24),
      c120: f64(FAST_EXP.c120),
      twoToJ: i32(0),
      pow2: i32(twoToJ.byteLength + pow2Offset * 8),
      lnTwoTinyAbove: f64(LN_TWO_TINY_ABOVE),
      lnTiny: f64(LN_TINY),
    },
  });
  // (one that is too large to keep serves this call only)
  return cache.set(KERNEL, "instance", { run: instance.exports.run as Run, memory, heap }, memory.buffer.byteLength);
}

/**
 * The pixel loop in WebAssembly: [bin][pixel] integrals, bit for bit those of the JavaScript
 * loop; undefined where WebAssembly is unavailable.
 */
export function integratePixelsWasm(
  table: BackgroundTable,
  edges: EdgeCells,
  fovLon: Float64Array,
  fovLat: Float64Array,
  pixelFactor: Float64Array,
  cache: ComputeCache,
): Float64Array | undefined {
  const n = fovLon.length;
  const nBins = edges.node.length - 1;
  const inputs = [
    fovLon,
    fovLat,
    pixelFactor,
    edges.node,
    edges.frac,
    edges.e1,
    edges.e2,
    edges.inverse,
    edges.outside,
    table.lonGrid,
    table.latGrid,
    table.logValues,
  ];
  const scratch = [edges.last - edges.first + 1, edges.node.length, edges.node.length];
  // layout after fastExp's tables: each array 8-byte aligned, then the scratch, then the output
  const offsets: number[] = [];
  let bytes = 0;
  for (const array of inputs) {
    offsets.push(bytes);
    bytes += Math.ceil(array.byteLength / 8) * 8;
  }
  for (const length of scratch) {
    offsets.push(bytes);
    bytes += length * 8;
  }
  const outAt = bytes;
  bytes += nBins * n * 8;
  const wasm = kernelFor(bytes, cache);
  if (!wasm) return undefined;
  const at = offsets.map((o) => o + wasm.heap);
  const buffer = wasm.memory.buffer;
  inputs.forEach((array, k) => {
    if (array instanceof Int32Array) new Int32Array(buffer, at[k], array.length).set(array);
    else new Float64Array(buffer, at[k], array.length).set(array);
  });
  const [
    lonAt,
    latAt,
    factorAt,
    nodeAt,
    fracAt,
    e1At,
    e2At,
    inverseAt,
    outsideAt,
    lonGridAt,
    latGridAt,
    valuesAt,
    planesAt,
    logsAt,
    edgeValuesAt,
  ] = at;
  wasm.run(
    n,
    lonAt,
    latAt,
    factorAt,
    outAt + wasm.heap,
    edges.node.length,
    nodeAt,
    fracAt,
    edges.first,
    edges.last,
    e1At,
    e2At,
    inverseAt,
    outsideAt,
    planesAt,
    logsAt,
    edgeValuesAt,
    lonGridAt,
    table.lonGrid.length,
    latGridAt,
    table.latGrid.length,
    valuesAt,
    table.lonEdges[0],
    table.lonEdges[1],
    table.latEdges[0],
    table.latEdges[1],
    table.fill,
  );
  return new Float64Array(buffer, outAt + wasm.heap, nBins * n).slice();
}

/** Whether the WebAssembly kernel runs here (else the JavaScript loop does). */
export function backgroundWasmAvailable(): boolean {
  return kernelFor(0, defaultComputeCache()) !== undefined;
}
