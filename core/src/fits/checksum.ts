import { LITTLE_ENDIAN } from "./codec.js";
import { FitsError } from "./errors.js";
import { BLOCK } from "./header.js";
import type { HduLayout } from "./layout.js";

// FITS 4.0 appendix J: a 32-bit ones'-complement sum of big-endian words; DATASUM is the sum
// of the data, CHECKSUM 16 characters that make the sum of the whole HDU −0 (all ones).

/** Ones'-complement sum of bytes[start, end) as big-endian 32-bit words, zero-padded, added to `sum`. */
export function onesComplementSum(bytes: Uint8Array, start: number, end: number, sum = 0): number {
  // 16-bit halves summed apart and folded at the end (exact in doubles up to ~2^37 words)
  let hi = sum >>> 16;
  let lo = sum & 0xffff;
  const whole = start + ((end - start) & ~3);
  let i = start;
  if (LITTLE_ENDIAN && (bytes.byteOffset + start) % 4 === 0 && whole > start) {
    const halves = halfSums(new Uint32Array(bytes.buffer, bytes.byteOffset + start, (whole - start) / 4));
    hi += halves.hi;
    lo += halves.lo;
    i = whole;
  }
  for (; i < whole; i += 4) {
    hi += (bytes[i] << 8) | bytes[i + 1];
    lo += (bytes[i + 2] << 8) | bytes[i + 3];
  }
  const tail = [0, 0, 0, 0];
  for (let k = whole; k < end; k++) tail[k - whole] = bytes[k];
  hi += (tail[0] << 8) | tail[1];
  lo += (tail[2] << 8) | tail[3];
  while (hi > 0xffff || lo > 0xffff) {
    const hiCarry = Math.floor(hi / 0x10000);
    const loCarry = Math.floor(lo / 0x10000);
    hi = (hi % 0x10000) + loCarry; // the carry out of the top half comes round to the bottom
    lo = (lo % 0x10000) + hiCarry;
  }
  return hi * 0x10000 + lo;
}

/** Words read little-endian summed per 16-bit lane in blocks small enough for no lane to overflow an int32. */
const BLOCK_WORDS = 128;

/**
 * The sums of the big-endian 16-bit halves of `words` (a little-endian view of big-endian
 * bytes b0 b1 b2 b3): hi = Σ (256·b0 + b1), lo = Σ (256·b2 + b3), the same integers as byte
 * by byte, from two masked additions a word (16 MB in ~8 ms instead of ~15 once optimised).
 * Each byte's sum is kept in its own 16-bit lane for at most BLOCK_WORDS words (≤ 32640), then
 * added up in doubles.
 */
function halfSums(words: Uint32Array): { hi: number; lo: number } {
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  for (let i = 0; i < words.length; ) {
    const stop = Math.min(words.length, i + BLOCK_WORDS);
    let even = 0; // b0 in the low lane, b2 in the high one
    let odd = 0; // b1 and b3
    for (; i < stop; i++) {
      const w = words[i];
      even += w & 0x00ff00ff;
      odd += (w >>> 8) & 0x00ff00ff;
    }
    b0 += even & 0xffff;
    b2 += even >>> 16;
    b1 += odd & 0xffff;
    b3 += odd >>> 16;
  }
  return { hi: 256 * b0 + b1, lo: 256 * b2 + b3 };
}

const EXCLUDED = new Set([0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60]);

/**
 * The 16 ASCII characters of a CHECKSUM value: each byte of `value` spread over four
 * characters offset by '0' (so they sum like "0000000000000000" plus `value`), moved off
 * punctuation in pairs, then the string rotated right by one.
 */
export function encodeChecksum(value: number): string {
  const chars = new Array<number>(16);
  for (let i = 0; i < 4; i++) {
    const byte = (value >>> (8 * (3 - i))) & 0xff;
    const quotient = (byte >> 2) + 0x30;
    const ch = [quotient + (byte & 3), quotient, quotient, quotient];
    for (let moved = true; moved; ) {
      moved = false;
      for (let j = 0; j < 4; j += 2) {
        if (EXCLUDED.has(ch[j]) || EXCLUDED.has(ch[j + 1])) {
          ch[j]++;
          ch[j + 1]--;
          moved = true;
        }
      }
    }
    for (let j = 0; j < 4; j++) chars[4 * j + i] = ch[j];
  }
  return String.fromCharCode(...chars.map((_, i) => chars[(i + 15) % 16]));
}

const OPT_OUT = "pass verifyChecksums: false to read it anyway";

/** Check DATASUM and CHECKSUM of one HDU where its header has them. */
export function verifyHduChecksums(bytes: Uint8Array, layout: HduLayout): void {
  const { header, headerOffset, dataOffset, dataBytes, context } = layout;
  const hasChecksum = header.has("CHECKSUM");
  if (!hasChecksum && !header.has("DATASUM")) return;
  // the padded data, as stored (padding missing at the end of the file sums as the zeros it should be)
  const dataEnd = Math.min(bytes.length, dataOffset + Math.ceil(dataBytes / BLOCK) * BLOCK);
  const dataSum = onesComplementSum(bytes, dataOffset, dataEnd);
  const declared = header.get("DATASUM");
  if (declared !== undefined) {
    const text = String(declared).trim();
    if (!/^\d+$/.test(text) || Number(text) !== dataSum) {
      throw new FitsError(`DATASUM '${text}' but the data sum to ${dataSum}: the data are corrupt; ${OPT_OUT}`, {
        ...context,
        where: "card DATASUM",
      });
    }
  }
  if (!hasChecksum) return;
  const sum = onesComplementSum(bytes, headerOffset, dataOffset, dataSum);
  if (sum !== 0xffffffff) {
    throw new FitsError(
      `CHECKSUM '${String(header.get("CHECKSUM"))}' does not match: the HDU sums to 0x${sum.toString(16)}, ` +
        `not 0xffffffff (header or data corrupt); ${OPT_OUT}`,
      { ...context, where: "card CHECKSUM" },
    );
  }
}
