import { KERNEL_HEADER_BYTES, kernelMemory } from "./mt19937-wasm.js";
import type { AllocateTables } from "./inverse-cdf.js";

/** The memory an arena keeps from one use to the next, at most (a larger use's is fresh each time). */
const ARENA_MAX_BYTES = 256 * 2 ** 20;

/**
 * Arrays for one use at a time (a sampling's draws), from memory handed out again at each
 * `begin` and sized after the last use's needs: fresh memory costs a page fault per 4 KiB at its
 * first write (~0.5 ms a MB on this project's VM), and the random numbers' WebAssembly fills
 * arrays on its own memory in place (`kernelMemory`; its first bytes hold the generator's state
 * while it does). `shared`: in memory other threads may be handed (SharedArrayBuffer).
 */
export class ScratchArena implements AllocateTables {
  private memory: ArrayBuffer | SharedArrayBuffer;
  private used = KERNEL_HEADER_BYTES;
  /** Bytes asked for since `begin`. */
  private asked = 0;

  constructor(private readonly shared: boolean) {
    this.memory = this.fresh(0);
  }

  /** A use begins: the arrays of the last one are taken back. */
  begin(): void {
    const room = Math.max(0, this.memory.byteLength - KERNEL_HEADER_BYTES);
    if (this.asked > room && this.asked <= ARENA_MAX_BYTES)
      this.memory = kernelMemory(this.asked) ?? this.fresh(KERNEL_HEADER_BYTES + this.asked);
    this.used = KERNEL_HEADER_BYTES;
    this.asked = 0;
  }

  // bound: they are handed on alone (`drawPixels(n, allocate.doubles)`)
  readonly doubles = (length: number): Float64Array => {
    const [buffer, offset] = this.take(8 * length);
    return new Float64Array(buffer, offset, length);
  };

  readonly ints = (length: number): Int32Array => {
    const [buffer, offset] = this.take(4 * length);
    return new Int32Array(buffer, offset, length);
  };

  /** `bytes` from the arena (8-aligned), or fresh memory when it is full. */
  private take(bytes: number): [ArrayBuffer | SharedArrayBuffer, number] {
    const offset = Math.ceil(this.used / 8) * 8;
    this.asked = Math.ceil(this.asked / 8) * 8 + bytes;
    if (offset + bytes > this.memory.byteLength) return [this.fresh(bytes), 0];
    this.used = offset + bytes;
    return [this.memory, offset];
  }

  private fresh(bytes: number): ArrayBuffer | SharedArrayBuffer {
    return this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }
}
