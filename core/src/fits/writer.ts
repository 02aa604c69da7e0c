import { formatCard, type Card } from "./card.js";
import { encodeChecksum, onesComplementSum } from "./checksum.js";
import { encodeBigEndianInto, type TypedArray } from "./codec.js";
import { FitsError } from "./errors.js";
import type { FitsHdu } from "./hdu.js";
import { BLOCK } from "./header.js";
import { parseTform } from "./tform.js";

export interface ImageHduSpec {
  kind: "image";
  name?: string;
  data: Float32Array | Float64Array | Int16Array | Int32Array | Uint8Array | BigInt64Array;
  /** C (numpy) order; [] for an HDU without data. */
  shape: number[];
  header?: Card[];
}

export interface TableColumnSpec {
  name: string;
  /** TFORM, e.g. "D", "K", "E", "J", "I", "B", "L", "20A", "3D". */
  format: string;
  unit?: string;
  /** TDIM in C order (as numpy shapes are written). */
  dim?: number[];
  data: ArrayLike<number> | BigInt64Array | string[];
  /** TNULL of an integer column: the value that marks a missing entry. */
  nullValue?: number | bigint;
}

export interface BinTableHduSpec {
  kind: "bintable";
  name: string;
  columns: TableColumnSpec[];
  header?: Card[];
}

/** An HDU of a file that was read, written byte for byte as stored (header cards and data). */
export interface CopiedHduSpec {
  kind: "copy";
  hdu: FitsHdu;
}

export type HduSpec = ImageHduSpec | BinTableHduSpec | CopiedHduSpec;

const BITPIX: Array<[new (...a: never[]) => TypedArray, number]> = [
  [Uint8Array, 8],
  [Int16Array, 16],
  [Int32Array, 32],
  [BigInt64Array, 64],
  [Float32Array, -32],
  [Float64Array, -64],
];

/** Serialise HDUs to FITS bytes; the first must be an image (the primary HDU). */
export function writeFitsBytes(hdus: HduSpec[]): Uint8Array {
  return writeFitsBytesWithEnds(hdus).bytes;
}

/**
 * `writeFitsBytes`, and where each HDU ends in them (offsets after its padded data). Each HDU's
 * data is encoded straight into the one output (its padding left as the zeros it was made
 * with), then its header, sealed with the data's checksum, set before it: the data is not
 * copied on the way (a 720×360×11 all-sky dataset was in memory twice more while written).
 */
export function writeFitsBytesWithEnds(hdus: HduSpec[]): { bytes: Uint8Array; ends: number[] } {
  if (hdus.length === 0 || hdus[0].kind !== "image")
    throw new FitsError("the first HDU must be an image (the primary HDU)");
  const plans = hdus.map((hdu, i) =>
    hdu.kind === "image" ? imagePlan(hdu, i === 0) : hdu.kind === "copy" ? copiedPlan(hdu.hdu) : tablePlan(hdu),
  );
  const out = new Uint8Array(plans.reduce((n, p) => n + p.headerLength + paddedLength(p.dataLength), 0));
  let offset = 0;
  const ends: number[] = [];
  for (const plan of plans) {
    const start = offset + plan.headerLength;
    const data = out.subarray(start, start + plan.dataLength);
    plan.fill(data);
    out.set(plan.header(data), offset);
    offset = start + paddedLength(plan.dataLength);
    ends.push(offset);
  }
  return { bytes: out, ends };
}

/** An HDU to write: the lengths of its header and data, then its data, then its header. */
interface HduPlan {
  /** Whole blocks. */
  headerLength: number;
  /** Unpadded. */
  dataLength: number;
  /** Write the data into `data` (exactly `dataLength` bytes). */
  fill(data: Uint8Array): void;
  /** The header (`headerLength` bytes) for the data as written. */
  header(data: Uint8Array): Uint8Array;
}

function imagePlan(hdu: ImageHduSpec, primary: boolean): HduPlan {
  const entry = BITPIX.find(([type]) => hdu.data instanceof type);
  if (!entry) throw new FitsError(`image HDU ${hdu.name ?? ""}: unsupported data type`);
  const count = hdu.shape.reduce((a, b) => a * b, hdu.shape.length ? 1 : 0);
  if (count !== hdu.data.length)
    throw new FitsError(
      `image HDU ${hdu.name ?? ""}: shape (${hdu.shape.join(", ")}) needs ${count} values, got ${hdu.data.length}`,
    );
  const cards: Card[] = [
    primary
      ? { key: "SIMPLE", value: true, comment: "conforms to FITS standard" }
      : { key: "XTENSION", value: "IMAGE", comment: "Image extension" },
    { key: "BITPIX", value: entry[1], comment: "array data type" },
    { key: "NAXIS", value: hdu.shape.length, comment: "number of array dimensions" },
    ...[...hdu.shape].reverse().map((n, i) => ({ key: `NAXIS${i + 1}`, value: n })),
  ];
  if (primary) cards.push({ key: "EXTEND", value: true });
  else
    cards.push(
      { key: "PCOUNT", value: 0, comment: "number of parameters" },
      { key: "GCOUNT", value: 1, comment: "number of groups" },
    );
  if (hdu.name) cards.push({ key: "EXTNAME", value: hdu.name, comment: "extension name" });
  cards.push(...userCards(hdu.header));
  return sealedPlan(cards, hdu.data.byteLength, (data) => encodeBigEndianInto(hdu.data as TypedArray, data));
}

/** An extension copied as stored; a primary HDU cannot become an extension. */
function copiedPlan(hdu: FitsHdu): HduPlan {
  if (hdu.index === 0) throw new FitsError(`${hdu.location}: a primary HDU cannot be copied as an extension`);
  const stored = hdu.storedBytes();
  return {
    headerLength: stored.header.length,
    dataLength: stored.data.length,
    fill: (data) => data.set(stored.data),
    header: () => stored.header,
  };
}

function tablePlan(hdu: BinTableHduSpec): HduPlan {
  const nrows = hdu.columns.length ? hdu.columns[0].data.length / repeatOf(hdu.columns[0]) : 0;
  const layouts = hdu.columns.map((c) => {
    const format = parseTform(c.format, { hdu: hdu.name, where: `column '${c.name}'` });
    const rows = c.data.length / repeatOf(c);
    if (rows !== nrows)
      throw new FitsError(`table ${hdu.name}: column '${c.name}' has ${rows} rows, expected ${nrows}`);
    return { spec: c, format };
  });
  const rowBytes = layouts.reduce((n, l) => n + l.format.width, 0);
  const cards: Card[] = [
    { key: "XTENSION", value: "BINTABLE", comment: "binary table extension" },
    { key: "BITPIX", value: 8, comment: "array data type" },
    { key: "NAXIS", value: 2, comment: "number of array dimensions" },
    { key: "NAXIS1", value: rowBytes, comment: "length of dimension 1" },
    { key: "NAXIS2", value: nrows, comment: "length of dimension 2" },
    { key: "PCOUNT", value: 0, comment: "number of group parameters" },
    { key: "GCOUNT", value: 1, comment: "number of groups" },
    { key: "TFIELDS", value: hdu.columns.length, comment: "number of table fields" },
  ];
  hdu.columns.forEach((c, i) => {
    cards.push({ key: `TTYPE${i + 1}`, value: c.name }, { key: `TFORM${i + 1}`, value: c.format });
    if (c.unit) cards.push({ key: `TUNIT${i + 1}`, value: c.unit });
    if (c.dim) cards.push({ key: `TDIM${i + 1}`, value: `(${[...c.dim].reverse().join(",")})` });
    if (c.nullValue !== undefined) {
      if (!/^\d*[BIJK]$/i.test(c.format))
        throw new FitsError(`table ${hdu.name}: column '${c.name}' has a null value but is not an integer column`);
      cards.push({ key: `TNULL${i + 1}`, value: c.nullValue });
    }
  });
  cards.push({ key: "EXTNAME", value: hdu.name, comment: "extension name" }, ...userCards(hdu.header));
  return sealedPlan(cards, rowBytes * nrows, (data) => {
    let offset = 0;
    for (const { spec, format } of layouts) {
      writeColumn(data, offset, rowBytes, nrows, spec, format.code, format.repeat, hdu.name);
      offset += format.width;
    }
  });
}

function repeatOf(c: TableColumnSpec): number {
  const m = /^(\d*)([A-Z])/.exec(c.format.toUpperCase());
  if (!m) return 1;
  return m[2] === "A" ? 1 : m[1] === "" ? 1 : Number(m[1]);
}

function writeColumn(
  out: Uint8Array,
  offset: number,
  rowBytes: number,
  nrows: number,
  spec: TableColumnSpec,
  code: string,
  repeat: number,
  table: string,
): void {
  const fail = (why: string) => new FitsError(`table ${table}: column '${spec.name}' ${why}`);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (code === "A") {
    const strings = spec.data as string[];
    for (let r = 0; r < nrows; r++) {
      const s = strings[r] ?? "";
      if (s.length > repeat) throw fail(`value '${s}' is longer than ${repeat} characters`);
      for (let k = 0; k < s.length; k++) out[offset + r * rowBytes + k] = s.charCodeAt(k) & 0xff;
    }
    return;
  }
  const values = spec.data as ArrayLike<number | bigint>;
  for (let r = 0; r < nrows; r++) {
    for (let k = 0; k < repeat; k++) {
      const v = values[r * repeat + k];
      const pos = offset + r * rowBytes;
      switch (code) {
        case "L":
          out[pos + k] = v ? 0x54 : 0x46;
          break;
        case "B":
          dv.setUint8(pos + k, Number(v));
          break;
        case "I":
          dv.setInt16(pos + 2 * k, Number(v));
          break;
        case "J":
          dv.setInt32(pos + 4 * k, Number(v));
          break;
        case "K":
          dv.setBigInt64(pos + 8 * k, typeof v === "bigint" ? v : BigInt(Math.trunc(v)));
          break;
        case "E":
          dv.setFloat32(pos + 4 * k, Number(v));
          break;
        case "D":
          dv.setFloat64(pos + 8 * k, Number(v));
          break;
        default:
          throw fail(`has a format ('${spec.format}') the writer does not support`);
      }
    }
  }
}

/** Keywords the writer makes itself; the same ones among user cards (e.g. copied from a file read) are dropped. */
const RESERVED =
  /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|TFIELDS|(TTYPE|TFORM|TUNIT|TDIM|TNULL)\d+|EXTNAME|END)$/i;
const CHECKSUM_KEYS = /^(CHECKSUM|DATASUM)$/i;

function userCards(cards: Card[] = []): Card[] {
  return cards.filter((c) => !RESERVED.test(c.key) && !CHECKSUM_KEYS.test(c.key));
}

/**
 * The plan of an HDU made here: its header ends with DATASUM and CHECKSUM (as astropy places
 * them); CHECKSUM is written as zeros, then set to the encoded complement of the HDU's sum,
 * which makes it −0.
 */
function sealedPlan(cards: Card[], dataLength: number, fill: (data: Uint8Array) => void): HduPlan {
  const sealed = (dataSum: number) =>
    headerBytes([
      ...cards,
      { key: "CHECKSUM", value: "0".repeat(16), comment: "HDU checksum (FITS 4.0 appendix J)" },
      { key: "DATASUM", value: String(dataSum), comment: "data unit checksum" },
    ]);
  return {
    // DATASUM's card is one card whatever the sum
    headerLength: sealed(0).length,
    dataLength,
    fill,
    header(data) {
      // the padding's zeros add nothing to the sum
      const dataSum = onesComplementSum(data, 0, data.length);
      const header = sealed(dataSum);
      const checksum = encodeChecksum(~onesComplementSum(header, 0, header.length, dataSum) >>> 0);
      // the last: the card is ours, after every user card
      const at = new TextDecoder("latin1").decode(header).lastIndexOf("CHECKSUM= '") + "CHECKSUM= '".length;
      for (let i = 0; i < 16; i++) header[at + i] = checksum.charCodeAt(i);
      return header;
    },
  };
}

function headerBytes(cards: Card[]): Uint8Array {
  const text = [...cards.flatMap(formatCard), "END".padEnd(80)].join("");
  const out = new Uint8Array(Math.ceil(text.length / BLOCK) * BLOCK).fill(0x20);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

const paddedLength = (bytes: number): number => Math.ceil(bytes / BLOCK) * BLOCK;
