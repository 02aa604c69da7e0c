/**
 * The 32-bit Mersenne Twister (Matsumoto & Nishimura 1998) as numpy's legacy `RandomState`
 * drives it: `mt19937_seed` (the reference `init_genrand`), `mt19937_init_by_array`, the
 * standard twist and tempering, and numpy's 53-bit `mt19937_next_double`.
 */

import { tunedPaths } from "../utils/kernel-paths.js";
import { fillDoublesWasm } from "./mt19937-wasm.js";

export const MT_STATE_WORDS = 624;
const SHIFT = 397; // the reference M
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
/**
 * From this many doubles on, fillDoubles runs in WebAssembly (3–4× faster on 1e6: ~3 against
 * ~10 ns a double); below it, copying the state in and out would cost more than it saves.
 */
const WASM_FROM = 256;

/** The generator's whole state: 624 words and the position of the next one (624: twist first). */
export class MT19937 {
  readonly key = new Uint32Array(MT_STATE_WORDS);
  /** The same words as int32: V8 keeps these as small integers, Uint32Array words above 2³¹ as doubles. */
  private readonly words = new Int32Array(this.key.buffer);
  pos = MT_STATE_WORDS;

  /** numpy `mt19937_seed` (= `init_genrand`): the seed must be an integer in [0, 2³²−1]. */
  seed(seed: number): void {
    const key = this.key;
    let s = seed >>> 0;
    for (let i = 0; i < MT_STATE_WORDS; i++) {
      key[i] = s;
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + i + 1) >>> 0;
    }
    this.pos = MT_STATE_WORDS;
  }

  /** numpy `mt19937_init_by_array` (the reference `init_by_array`), used for array seeds. */
  seedByArray(words: ArrayLike<number>): void {
    const key = this.key;
    const n = words.length;
    this.seed(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(MT_STATE_WORDS, n); k > 0; k--) {
      const prev = key[i - 1] ^ (key[i - 1] >>> 30);
      key[i] = ((key[i] ^ Math.imul(prev, 1664525)) + (words[j] >>> 0) + j) >>> 0;
      i++;
      j++;
      if (i >= MT_STATE_WORDS) {
        key[0] = key[MT_STATE_WORDS - 1];
        i = 1;
      }
      if (j >= n) j = 0;
    }
    for (let k = MT_STATE_WORDS - 1; k > 0; k--) {
      const prev = key[i - 1] ^ (key[i - 1] >>> 30);
      key[i] = ((key[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= MT_STATE_WORDS) {
        key[0] = key[MT_STATE_WORDS - 1];
        i = 1;
      }
    }
    key[0] = UPPER_MASK; // non-zero state guaranteed
    this.pos = MT_STATE_WORDS;
  }

  /** Regenerates all 624 words (numpy `mt19937_gen`). */
  twist(): void {
    const key = this.words;
    let i = 0;
    for (; i < MT_STATE_WORDS - SHIFT; i++) {
      const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + SHIFT] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < MT_STATE_WORDS - 1; i++) {
      const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + SHIFT - MT_STATE_WORDS] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    const y = (key[MT_STATE_WORDS - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
    key[MT_STATE_WORDS - 1] = key[SHIFT - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.pos = 0;
  }

  /** The next tempered 32-bit word, as an unsigned number (numpy `mt19937_next32`). */
  next32(): number {
    if (this.pos === MT_STATE_WORDS) this.twist();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    return (y ^ (y >>> 18)) >>> 0;
  }

  /** A double in [0, 1) from two words, 27 + 26 bits (numpy `mt19937_next_double`). */
  nextDouble(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /**
   * out[i] = low + range · nextDouble(), for the whole array: the same words as `nextDouble` in a
   * loop, with the state's position kept in a local (5× faster on 1e6 draws), and the words
   * between two twists taken in pairs without checking for the end of the state (−20 % again);
   * from WASM_FROM doubles on, the same doubles from mt19937.wat (not on the reference paths).
   */
  fillDoubles(out: Float64Array, low = 0, range = 1): void {
    if (out.length >= WASM_FROM && tunedPaths()) {
      const pos = fillDoublesWasm(this.key, this.pos, out, low, range);
      if (pos >= 0) {
        this.pos = pos;
        return;
      }
    }
    const key = this.words;
    const n = out.length;
    let pos = this.pos;
    let i = 0;
    while (i < n) {
      if (pos === MT_STATE_WORDS - 1) {
        // a double from the state's last word and the next state's first
        const a = temper(key[pos]) >>> 5;
        this.twist();
        const b = temper(key[0]) >>> 6;
        pos = 1;
        out[i++] = low + range * ((a * TWO_POW_26 + b) / TWO_POW_53);
        continue;
      }
      if (pos === MT_STATE_WORDS) {
        this.twist();
        pos = 0;
      }
      const pairs = Math.min((MT_STATE_WORDS - pos) >> 1, n - i);
      for (let k = 0; k < pairs; k++, pos += 2) {
        const a = temper(key[pos]) >>> 5;
        const b = temper(key[pos + 1]) >>> 6;
        out[i + k] = low + range * ((a * TWO_POW_26 + b) / TWO_POW_53);
      }
      i += pairs;
    }
    this.pos = pos;
  }

  /** A copy with its own state (same key, same position). */
  clone(): MT19937 {
    const copy = new MT19937();
    copy.key.set(this.key);
    copy.pos = this.pos;
    return copy;
  }
}

/** MT19937's tempering of a state word (as int32; `>>> k` of the result is the unsigned word's). */
function temper(word: number): number {
  let y = word;
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  return y ^ (y >>> 18);
}
