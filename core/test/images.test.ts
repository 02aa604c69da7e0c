import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { COLOR_MAPS, NAN_COLOR, colorAt, encodePng, getColorMap, renderMapImage } from "../src/images/index.js";
import type { MapImage, Rgb } from "../src/images/index.js";
import { formatTickLabel } from "../src/images/ticks.js";

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

test("viridis matches matplotlib's published colours", () => {
  assert.deepEqual(colorAt("viridis", 0), [68, 1, 84]); // #440154
  assert.deepEqual(colorAt("viridis", 0.25), [59, 82, 139]); // #3b528b
  assert.deepEqual(colorAt("viridis", 0.5), [33, 145, 140]); // #21918c
  assert.deepEqual(colorAt("viridis", 1), [253, 231, 37]); // #fde725
  const threeQuarters = colorAt("viridis", 0.75); // #5ec962 is table entry 192; our anchor is entry 191
  [94, 201, 98].forEach((c, i) => assert.ok(Math.abs(threeQuarters[i]! - c) <= 2, `${threeQuarters}`));
});

test("colour maps clip t, interpolate between anchors and give NaN a fixed colour", () => {
  assert.deepEqual(colorAt("viridis", -3), colorAt("viridis", 0));
  assert.deepEqual(colorAt("viridis", 7), colorAt("viridis", 1));
  assert.deepEqual(colorAt("viridis", NaN), NAN_COLOR);
  assert.deepEqual(colorAt("gray", 0), [0, 0, 0]);
  assert.deepEqual(colorAt("gray", 0.5), [128, 128, 128]);
  assert.deepEqual(colorAt("gray", 1), [255, 255, 255]);
  assert.deepEqual(colorAt(COLOR_MAPS.inferno!, 0), [0, 0, 4]); // #000004
  assert.deepEqual(colorAt("inferno", 1), [252, 255, 164]); // #fcffa4
  // Halfway between two anchors is the average of their colours.
  const { anchors } = getColorMap("viridis");
  const between = colorAt("viridis", 0.5 / (anchors.length - 1));
  between.forEach((c, i) => assert.equal(c, Math.round((255 * (anchors[0]![i]! + anchors[1]![i]!)) / 2)));
  assert.throws(() => getColorMap("jet"), /unknown colour map 'jet'/);
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

// ---------- rendering ----------

test("a gradient is drawn north up: the lowest value at the bottom-left corner", () => {
  const nx = 4;
  const ny = 3;
  const data = Array.from({ length: nx * ny }, (_, i) => i); // value = y * nx + x
  const image = renderMapImage(data, nx, ny, { scale: 5, colorBar: false });
  assert.equal(image.width, 20);
  assert.equal(image.height, 15);
  assert.deepEqual(image.layout, { image: { x: 0, y: 0, width: 20, height: 15 } });
  assert.deepEqual(pixel(image, 0, 14), opaque(colorAt("viridis", 0)));
  assert.deepEqual(pixel(image, 19, 0), opaque(colorAt("viridis", 1)));
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const expected = opaque(colorAt("viridis", (y * nx + x) / 11));
      const top = (ny - 1 - y) * 5;
      for (const [dx, dy] of [
        [0, 0],
        [4, 0],
        [0, 4],
        [4, 4],
        [2, 3],
      ] as const) {
        assert.deepEqual(pixel(image, x * 5 + dx, top + dy), expected, `map pixel (${x}, ${y})`);
      }
    }
  }
});

test("NaN pixels get the NaN colour and do not affect the default range", () => {
  const data = [NaN, 0, 5, 10, Infinity, NaN];
  const image = renderMapImage(data, 3, 2, { scale: 1, colorBar: false, colormap: "gray" });
  // Bottom row (y = 0) is the last canvas row.
  assert.deepEqual(pixel(image, 0, 1), opaque(NAN_COLOR));
  assert.deepEqual(pixel(image, 1, 1), [0, 0, 0, 255]);
  assert.deepEqual(pixel(image, 2, 1), [128, 128, 128, 255]);
  assert.deepEqual(pixel(image, 0, 0), [255, 255, 255, 255]);
  assert.deepEqual(pixel(image, 1, 0), [255, 255, 255, 255], "+Infinity clips to the top colour");
  assert.deepEqual(pixel(image, 2, 0), opaque(NAN_COLOR));
});

test("vmin, vmax and stretches set the colour positions", () => {
  const render = (value: number, options: object) =>
    pixel(renderMapImage([value], 1, 1, { scale: 1, colorBar: false, colormap: "gray", ...options }), 0, 0);
  assert.deepEqual(render(1, { vmin: 0, vmax: 4, stretch: "linear" }), [64, 64, 64, 255]);
  assert.deepEqual(render(1, { vmin: 0, vmax: 4, stretch: "sqrt" }), [128, 128, 128, 255]);
  const asinh = render(1, { vmin: 0, vmax: 4, stretch: "asinh" })[0]!;
  assert.ok(asinh > 128 && asinh < 255, `asinh brightens faint values: ${asinh}`);
  assert.deepEqual(render(-7, { vmin: 0, vmax: 4 }), [0, 0, 0, 255]);
  assert.deepEqual(render(3, { vmin: 3, vmax: 3 }), [0, 0, 0, 255], "degenerate range does not divide by zero");
});

test("the colour bar runs from the vmin colour at the bottom to the vmax colour at the top", () => {
  const nx = 30;
  const ny = 20;
  const data = Array.from({ length: nx * ny }, (_, i) => Math.sin(i) * 100);
  for (const colormap of ["viridis", "gray"]) {
    const image = renderMapImage(data, nx, ny, { colormap, vmin: -50, vmax: 80, label: "Excess counts" });
    const bar = image.layout.colorBar!;
    assert.ok(bar.x > image.layout.image.x + image.layout.image.width, "bar right of the map");
    assert.ok(bar.x + bar.width < image.width && bar.y + bar.height <= image.height);
    const column = bar.x + Math.floor(bar.width / 2);
    assert.deepEqual(pixel(image, column, bar.y + bar.height - 1), opaque(colorAt(colormap, 0)));
    assert.deepEqual(pixel(image, column, bar.y), opaque(colorAt(colormap, 1)));
    assert.deepEqual(
      pixel(image, bar.x, bar.y + bar.height - 1),
      pixel(image, bar.x + bar.width - 1, bar.y + bar.height - 1),
    );
    if (colormap === "gray") {
      for (let y = bar.y; y < bar.y + bar.height - 1; y++) {
        assert.ok(pixel(image, column, y)[0]! >= pixel(image, column, y + 1)[0]!, "brightness grows upwards");
      }
    }
  }
});

test("tick labels and the title are drawn as dark text on the white background", () => {
  const data = Array.from({ length: 100 }, (_, i) => i);
  const withLabel = renderMapImage(data, 10, 10, { label: "Counts" });
  const plain = renderMapImage(data, 10, 10);
  const isInk = (p: number[]) => p[0]! < 100 && p[1]! < 100 && p[2]! < 100;
  const inkIn = (image: MapImage, x0: number, y0: number, x1: number, y1: number) => {
    let count = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (isInk(pixel(image, x, y))) count++;
    return count;
  };
  const bar = plain.layout.colorBar!;
  assert.ok(inkIn(plain, bar.x + bar.width + 2, 0, plain.width, plain.height) > 50, "tick labels");
  const mapRight = plain.layout.image.x + plain.layout.image.width;
  assert.equal(inkIn(plain, 0, 0, mapRight, plain.layout.image.y - 1), 0, "nothing above the map without a title");
  assert.ok(inkIn(withLabel, 0, 0, mapRight, withLabel.layout.image.y - 1) > 50, "title");
  assert.deepEqual(pixel(plain, 0, 0), [255, 255, 255, 255]);
});

test("the default magnification makes the map about 400 pixels wide", () => {
  assert.equal(renderMapImage(new Float32Array(50 * 10), 50, 10).layout.image.width, 400);
  assert.equal(renderMapImage(new Float32Array(7 * 3), 7, 3).layout.image.width, 7 * 58);
  assert.equal(renderMapImage(new Float32Array(1000), 1000, 1).layout.image.width, 1000);
});

test("renderMapImage rejects bad input", () => {
  assert.throws(() => renderMapImage([1, 2, 3], 2, 2), RangeError);
  assert.throws(() => renderMapImage([1, 2, 3, 4], 2, 2, { scale: 1.5 }), RangeError);
  assert.throws(() => renderMapImage([1, 2, 3, 4], 2, 2, { vmin: 3, vmax: 1 }), RangeError);
  assert.throws(() => renderMapImage([1, 2, 3, 4], 2, 2, { colormap: "nope" }), RangeError);
});

test("a rendered map survives PNG encoding on both paths", () => {
  const data = Array.from({ length: 12 * 8 }, (_, i) => (i % 7 === 0 ? NaN : i * i));
  const image = renderMapImage(data, 12, 8, { stretch: "sqrt", label: "sqrt(counts)" });
  for (const png of [
    encodePng(image.rgba, image.width, image.height),
    encodePng(image.rgba, image.width, image.height, deflateSync),
  ]) {
    const decoded = decodePng(png);
    assert.equal(decoded.width, image.width);
    assert.equal(decoded.height, image.height);
    assert.deepEqual(decoded.rgba, image.rgba);
  }
});

const python = "/usr/bin/python3";
const hasPil = spawnSync(python, ["-c", "import PIL"]).status === 0;

test("PIL opens the PNGs and sees the same pixels", { skip: hasPil ? false : "python3 with PIL not available" }, () => {
  // With the colour bar the stored path needs several deflate blocks.
  const image = renderMapImage([0, 1, 2, NaN], 2, 2, { label: "PIL check" });
  const { image: map } = image.layout;
  const bottomLeft = [map.x, map.y + map.height - 1];
  const topRight = [map.x + map.width - 1, map.y];
  const dir = mkdtempSync(join(tmpdir(), "gammaflow-png-"));
  try {
    const encode = (deflate?: typeof deflateSync) => encodePng(image.rgba, image.width, image.height, deflate);
    for (const [name, png] of Object.entries({ stored: encode(), deflated: encode(deflateSync) })) {
      const file = join(dir, `${name}.png`);
      writeFileSync(file, png);
      const script = [
        "import sys, json",
        "from PIL import Image",
        "im = Image.open(sys.argv[1]); im.load()",
        "pixel = lambda x, y: list(im.getpixel((int(x), int(y))))",
        "print(json.dumps([im.mode, im.size, pixel(sys.argv[2], sys.argv[3]), pixel(sys.argv[4], sys.argv[5])]))",
      ].join("\n");
      const result = spawnSync(python, ["-c", script, file, ...[...bottomLeft, ...topRight].map(String)], {
        encoding: "utf8",
      });
      assert.equal(result.status, 0, result.stderr);
      const expected = ["RGBA", [image.width, image.height], opaque(colorAt("viridis", 0)), opaque(NAN_COLOR)];
      assert.deepEqual(JSON.parse(result.stdout), expected);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
