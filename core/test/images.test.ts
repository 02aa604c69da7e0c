import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { COLOR_MAP_NAMES, colorAt, encodePng, getColorMap } from "../src/images/index.js";
import type { Rgb } from "../src/images/index.js";
import { formatTickLabel } from "../src/images/ticks.js";
import { base64, dataUrl } from "../src/images/svg.js";

// ---------- an independent PNG reader for checking the encoder ----------

/** Bit-by-bit CRC-32 (deliberately not table-driven like the encoder's). */
function referenceCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function referenceAdler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

interface DecodedPng {
  width: number;
  height: number;
  chunkTypes: string[];
  zlibStream: Uint8Array;
  rgba: Uint8Array;
}

function decodePng(png: Uint8Array): DecodedPng {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunkTypes: string[] = [];
  const idat: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  let pos = 8;
  while (pos < png.length) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const data = png.subarray(pos + 8, pos + 8 + length);
    assert.equal(
      view.getUint32(pos + 8 + length),
      referenceCrc32(png.subarray(pos + 4, pos + 8 + length)),
      `CRC of ${type}`,
    );
    chunkTypes.push(type);
    if (type === "IHDR") {
      assert.equal(length, 13);
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      assert.deepEqual([...data.subarray(8)], [8, 6, 0, 0, 0], "8-bit RGBA, deflate, no interlace");
    }
    if (type === "IDAT") idat.push(data);
    pos += 12 + length;
  }
  assert.equal(pos, png.length, "no trailing bytes");
  assert.equal(chunkTypes[0], "IHDR");
  assert.equal(chunkTypes.at(-1), "IEND");
  const zlibStream = Buffer.concat(idat);
  return { width, height, chunkTypes, zlibStream, rgba: unfilter(inflateSync(zlibStream), width, height) };
}

/** Undo PNG scanline filters (all five types, though the encoder may use only some). */
function unfilter(raw: Uint8Array, width: number, height: number): Uint8Array {
  const stride = width * 4;
  assert.equal(raw.length, height * (stride + 1), "inflated size");
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= 4 ? out[y * stride + i - 4]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + i]! : 0;
      const c = i >= 4 && y > 0 ? out[(y - 1) * stride + i - 4]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      assert.notEqual(predictor, undefined, `filter type ${filter}`);
      out[y * stride + i] = (x + predictor!) & 0xff;
    }
  }
  return out;
}

/** Walk a zlib stream that should consist of stored deflate blocks; returns the block lengths. */
function storedBlockLengths(stream: Uint8Array): number[] {
  assert.equal(stream[0]! & 0x0f, 8, "CM = deflate");
  assert.equal((stream[0]! * 256 + stream[1]!) % 31, 0, "zlib header check bits");
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const lengths: number[] = [];
  const payload: Uint8Array[] = [];
  let pos = 2;
  for (;;) {
    const header = stream[pos]!;
    assert.equal((header >> 1) & 3, 0, "BTYPE = stored");
    const len = view.getUint16(pos + 1, true);
    assert.equal(view.getUint16(pos + 3, true), ~len & 0xffff, "NLEN");
    lengths.push(len);
    payload.push(stream.subarray(pos + 5, pos + 5 + len));
    pos += 5 + len;
    if (header & 1) break;
  }
  assert.equal(pos + 4, stream.length, "Adler-32 trailer ends the stream");
  assert.equal(view.getUint32(pos), referenceAdler32(Buffer.concat(payload)));
  return lengths;
}

function pixel(image: { rgba: Uint8Array; width: number }, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return [...image.rgba.subarray(i, i + 4)];
}

const opaque = (rgb: Rgb) => [...rgb, 255];

/** Deterministic pseudo-random bytes (so failures are reproducible). */
function pseudoRandomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let state = 12345;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

// ---------- PNG encoder ----------

test("encodePng without a compressor writes stored blocks that decode to the input", () => {
  const rgba = Uint8Array.from([
    255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 1, 2, 3, 4, 250, 251, 252, 253, 9, 8, 7, 6,
  ]);
  const decoded = decodePng(encodePng(rgba, 3, 2));
  assert.deepEqual(decoded.chunkTypes, ["IHDR", "IDAT", "IEND"]);
  assert.equal(decoded.width, 3);
  assert.equal(decoded.height, 2);
  assert.deepEqual(storedBlockLengths(decoded.zlibStream), [2 * (1 + 3 * 4)]);
  assert.deepEqual([...decoded.rgba], [...rgba]);
});

test("stored path splits data into blocks of at most 65535 bytes", () => {
  const width = 200;
  const height = 100; // 100 * (1 + 800) = 80100 filtered bytes -> two blocks
  const rgba = pseudoRandomBytes(width * height * 4);
  const decoded = decodePng(encodePng(rgba, width, height));
  assert.deepEqual(storedBlockLengths(decoded.zlibStream), [65535, 80100 - 65535]);
  assert.deepEqual(decoded.rgba, rgba);
});

test("encodePng with zlib.deflateSync decodes identically and is smaller for flat images", () => {
  const width = 64;
  const height = 48;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([10, (i % width) * 4, 200, 255], i * 4);
  const compressed = encodePng(rgba, width, height, deflateSync);
  const stored = encodePng(rgba, width, height);
  assert.deepEqual(decodePng(compressed).rgba, rgba);
  assert.deepEqual(decodePng(stored).rgba, rgba);
  assert.ok(compressed.length < stored.length / 10, `${compressed.length} vs ${stored.length}`);
});

test("encodePng rejects inconsistent sizes", () => {
  assert.throws(() => encodePng(new Uint8Array(15), 2, 2), RangeError);
  assert.throws(() => encodePng(new Uint8Array(0), 0, 0), RangeError);
  assert.throws(() => encodePng(new Uint8Array(8), 1.5, 2), RangeError);
});

// ---------- colour maps ----------

test("viridis, magma and inferno are matplotlib's 256-entry tables, looked up at ⌊t·256⌋", () => {
  assert.deepEqual(colorAt("viridis", 0), [68, 1, 84]); // #440154, entry 0
  assert.deepEqual(colorAt("viridis", 0.25), [59, 82, 139]); // #3b528b, entry 64
  assert.deepEqual(colorAt("viridis", 0.5), [33, 145, 140]); // #21918c, entry 128
  assert.deepEqual(colorAt("viridis", 0.75), [94, 201, 98]); // #5ec962, entry 192
  assert.deepEqual(colorAt("viridis", 1), [253, 231, 37]); // #fde725, entry 255
  assert.deepEqual(colorAt("magma", 0), [0, 0, 4]); // #000004
  assert.deepEqual(colorAt("magma", 1), [252, 253, 191]); // #fcfdbf
  assert.deepEqual(colorAt("inferno", 0), [0, 0, 4]); // #000004
  assert.deepEqual(colorAt("inferno", 1), [252, 255, 164]); // #fcffa4
});

test("gray runs black to white, RdBu red to blue, RdBu_r the other way; the RdBu pair diverge", () => {
  assert.deepEqual(colorAt("gray", 0), [0, 0, 0]);
  assert.deepEqual(colorAt("gray", 1), [255, 255, 255]);
  const red: Rgb = [103, 0, 31]; // ColorBrewer RdBu's ends, #67001f and #053061
  const blue: Rgb = [5, 48, 97];
  assert.deepEqual(colorAt("RdBu", 0), red);
  assert.deepEqual(colorAt("RdBu", 1), blue);
  assert.deepEqual(colorAt("RdBu_r", 0), blue);
  assert.deepEqual(colorAt("RdBu_r", 1), red);
  assert.equal(getColorMap("RdBu_r").diverging, true);
  assert.equal(getColorMap("viridis").diverging, false);
  assert.ok(COLOR_MAP_NAMES.includes("cividis") && COLOR_MAP_NAMES.includes("plasma"));
});

test("colour maps clip t, give NaN no colour and reject unknown names", () => {
  assert.deepEqual(colorAt("viridis", -3), colorAt("viridis", 0));
  assert.deepEqual(colorAt("viridis", 7), colorAt("viridis", 1));
  assert.equal(colorAt("viridis", NaN), undefined);
  assert.throws(() => getColorMap("jet"), /unknown colour map 'jet' \(known: viridis, magma/);
  assert.throws(() => getColorMap("constructor"), /unknown colour map 'constructor'/);
});

test("tick labels are compact", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "0"],
    [12.5, "12.5"],
    [-3.4, "-3.4"],
    [100, "100"],
    [2 / 3, "0.667"],
    [0.0123, "0.0123"],
    [1234, "1.2e+03"],
    [1000, "1e+03"],
    [-56789, "-5.7e+04"],
    [5e-4, "5e-04"],
    [3.2e-12, "3.2e-12"],
  ];
  for (const [value, label] of cases) assert.equal(formatTickLabel(value), label, `${value}`);
});

test("base64 of bytes (figures' data URLs) equals Node's, every length's padding included", () => {
  for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 255, 1000, 65_537, 370_001]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 7919 + 13 * (i >> 8)) & 255);
    assert.equal(base64(bytes), Buffer.from(bytes).toString("base64"), `${n} bytes`);
  }
  assert.equal(dataUrl("image/png", Uint8Array.of(0xff, 0xfe)), "data:image/png;base64,//4=");
});
