/**
 * Bounded integers as numpy's legacy RandomState draws them: masked rejection sampling
 * (`random_bounded_uint64_fill` with `use_masked`, `random_interval`), one 32-bit word per try
 * for ranges below 2³², two (high word first) above. Values are plain numbers, so ranges are
 * limited to the safe integers (rng ≤ 2⁵³ − 1).
 */
import type { MT19937 } from "./mt19937.js";

const TWO_POW_32 = 4294967296;
const MAX_WORD = 0xffffffff;

/** numpy `gen_mask`: the smallest 2^k − 1 ≥ max. */
export function bitMask(max: number): number {
  if (max <= MAX_WORD) {
    let mask = max >>> 0;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    return mask >>> 0;
  }
  return bitMask(Math.floor(max / TWO_POW_32)) * TWO_POW_32 + MAX_WORD;
}

/** A uniform integer in [0, rng] (0 ≤ rng ≤ 2⁵³ − 1) given rng's mask: numpy's masked rejection. */
export function boundedMasked(bits: MT19937, rng: number, mask: number): number {
  if (rng === 0) return 0;
  if (rng <= MAX_WORD) {
    if (rng === MAX_WORD) return bits.next32();
    for (;;) {
      const value = (bits.next32() & mask) >>> 0;
      if (value <= rng) return value;
    }
  }
  const maskHigh = Math.floor(mask / TWO_POW_32);
  for (;;) {
    const high = (bits.next32() & maskHigh) >>> 0; // next_uint64: the first word is the high one
    const value = high * TWO_POW_32 + bits.next32();
    if (value <= rng) return value;
  }
}

/** numpy `random_interval(max)`: a uniform integer in [0, max], as `shuffle` draws them. */
export function randomInterval(bits: MT19937, max: number): number {
  return max === 0 ? 0 : boundedMasked(bits, max, bitMask(max));
}
