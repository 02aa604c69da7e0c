/**
 * Minimal PNG writer (8-bit RGBA, no interlace) with no runtime dependencies,
 * so that core stays free of node modules. Callers on Node can pass
 * `zlib.deflateSync` for real compression.
 */

/** A zlib-format (RFC 1950) compressor, e.g. Node's `zlib.deflateSync`. */
export type ZlibCompressor = (bytes: Uint8Array) => Uint8Array;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COLOR_TYPE_RGBA = 6;
const MAX_STORED_BLOCK = 65535;

/**
 * Encode an RGBA image as a PNG file.
 *
 * @param rgba - `width * height * 4` bytes, rows top to bottom, each pixel R, G, B, A.
 * @param width - image width in pixels.
 * @param height - image height in pixels.
 * @param deflate - optional zlib-format compressor; without it the pixel data
 *   is stored uncompressed (still a valid PNG, just larger).
 * @returns the bytes of the PNG file.
 */
export function encodePng(rgba: Uint8Array, width: number, height: number, deflate?: ZlibCompressor): Uint8Array {
  if (!isPositiveInt(width) || !isPositiveInt(height) || width > 0x7fffffff || height > 0x7fffffff) {
    throw new RangeError(`encodePng: invalid size ${width}x${height}`);
  }
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`encodePng: expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bits per channel
  header[9] = COLOR_TYPE_RGBA;
  // bytes 10..12: compression 0 (deflate), filter method 0, no interlace

  const scanlines = addFilterBytes(rgba, width, height);
  const compressed = deflate ? deflate(scanlines) : zlibStored(scanlines);

  return concatBytes([
    Uint8Array.from(PNG_SIGNATURE),
    chunk("IHDR", header),
    chunk("IDAT", compressed),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/** Prefix each row with filter type 0 ("None"); deflate copes well with our blocky images anyway. */
function addFilterBytes(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const rowBytes = width * 4;
  const out = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    out.set(rgba.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  return out;
}

/** One PNG chunk: length, type, data, CRC-32 of type + data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Wrap bytes in a zlib stream made of stored (uncompressed) deflate blocks,
 * followed by the Adler-32 checksum.
 */
export function zlibStored(bytes: Uint8Array): Uint8Array {
  const blockCount = Math.max(1, Math.ceil(bytes.length / MAX_STORED_BLOCK));
  const out = new Uint8Array(2 + blockCount * 5 + bytes.length + 4);
  const view = new DataView(out.buffer);
  // CMF 0x78 = deflate with 32 KiB window; FLG 0x01 makes CMF*256+FLG divisible by 31.
  out[0] = 0x78;
  out[1] = 0x01;
  let pos = 2;
  for (let b = 0; b < blockCount; b++) {
    const start = b * MAX_STORED_BLOCK;
    const len = Math.min(MAX_STORED_BLOCK, bytes.length - start);
    out[pos] = b === blockCount - 1 ? 1 : 0; // BFINAL bit, BTYPE 00 = stored
    view.setUint16(pos + 1, len, true);
    view.setUint16(pos + 3, ~len & 0xffff, true);
    out.set(bytes.subarray(start, start + len), pos + 5);
    pos += 5 + len;
  }
  view.setUint32(pos, adler32(bytes));
  return out;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (polynomial 0xEDB88320, as PNG requires), table-driven. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Adler-32 checksum of the uncompressed zlib payload. */
export function adler32(bytes: Uint8Array): number {
  const MOD = 65521;
  let a = 1;
  let b = 0;
  // Reduce modulo every 5552 bytes (zlib's bound for 32-bit sums) rather than every byte.
  for (let start = 0; start < bytes.length; start += 5552) {
    const end = Math.min(bytes.length, start + 5552);
    for (let i = start; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function isPositiveInt(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}
