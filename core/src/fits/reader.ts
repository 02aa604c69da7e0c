import { BinTableHdu } from "./bintable.js";
import { kindOfBitpix, KIND_BYTES } from "./codec.js";
import { FitsError, hduLabel, type FitsContext } from "./errors.js";
import { type FitsHdu, ImageHdu, OtherHdu } from "./hdu.js";
import { BLOCK, readHeader, type Header } from "./header.js";

export interface FitsParseOptions {
  fileName?: string;
  /** Decompress gzip data (1f 8b); supplied by the platform adapter (node:zlib in Node). */
  gunzip?: (bytes: Uint8Array) => Uint8Array;
}

/** A FITS file: its HDUs, with headers parsed on open and data decoded on first access. */
export class FitsFile {
  private constructor(
    readonly hdus: FitsHdu[],
    readonly fileName?: string,
  ) {}

  static parse(input: Uint8Array, options: FitsParseOptions = {}): FitsFile {
    const fileName = options.fileName;
    let bytes = input;
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      if (!options.gunzip)
        throw new FitsError("gzip-compressed data but no gunzip function was supplied", { fileName });
      bytes = options.gunzip(bytes);
    }
    if (bytes.length < BLOCK) {
      throw new FitsError(`not a FITS file: ${bytes.length} bytes, less than one 2880-byte block`, { fileName });
    }
    if (new TextDecoder("latin1").decode(bytes.subarray(0, 9)) !== "SIMPLE  =") {
      throw new FitsError("not a FITS file: the first card is not SIMPLE", { fileName });
    }
    const hdus: FitsHdu[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      if (hdus.length > 0 && isPadding(bytes, offset)) break; // trailing zero blocks
      const ctx: FitsContext = { fileName, hdu: hduLabel(hdus.length) };
      const { header, dataOffset } = readHeader(bytes, offset, ctx);
      const namedCtx: FitsContext = { fileName, hdu: hduLabel(hdus.length, header.str("EXTNAME")?.trim()) };
      const dataBytes = dataSize(header, hdus.length === 0, namedCtx);
      if (dataOffset + dataBytes > bytes.length) {
        throw new FitsError(
          `data of ${dataBytes} bytes (from NAXISn/PCOUNT) extend beyond the end of the file: ` +
            `${bytes.length - Math.min(dataOffset, bytes.length)} bytes left (truncated?)`,
          namedCtx,
        );
      }
      hdus.push(makeHdu(hdus.length, header, bytes, offset, dataOffset, dataBytes, fileName, namedCtx));
      offset = dataOffset + Math.ceil(dataBytes / BLOCK) * BLOCK;
    }
    return new FitsFile(hdus, fileName);
  }

  /** An HDU by index or EXTNAME (case-insensitive, optionally with EXTVER). */
  hdu(nameOrIndex: string | number, extver?: number): FitsHdu {
    if (typeof nameOrIndex === "number") {
      const hdu = this.hdus[nameOrIndex];
      if (!hdu)
        throw new FitsError(`no HDU ${nameOrIndex} (the file has ${this.hdus.length})`, { fileName: this.fileName });
      return hdu;
    }
    const wanted = nameOrIndex.toUpperCase();
    const hdu = this.hdus.find((h) => h.name.toUpperCase() === wanted && (extver === undefined || h.extver === extver));
    if (!hdu) {
      const names = this.hdus.map((h) => h.name || `#${h.index}`).join(", ");
      throw new FitsError(
        `no HDU named '${nameOrIndex}'${extver !== undefined ? ` with EXTVER ${extver}` : ""} (HDUs: ${names})`,
        { fileName: this.fileName },
      );
    }
    return hdu;
  }

  /** A binary-table HDU by name or index; an error names what the HDU is instead. */
  table(nameOrIndex: string | number, extver?: number): BinTableHdu {
    const hdu = this.hdu(nameOrIndex, extver);
    if (!(hdu instanceof BinTableHdu))
      throw new FitsError(`HDU '${hdu.name}' is not a binary table`, {
        fileName: this.fileName,
        hdu: hduLabel(hdu.index, hdu.name),
      });
    return hdu;
  }

  /** An image HDU by name or index. */
  image(nameOrIndex: string | number, extver?: number): ImageHdu {
    const hdu = this.hdu(nameOrIndex, extver);
    if (!(hdu instanceof ImageHdu))
      throw new FitsError(`HDU '${hdu.name}' is not an image`, {
        fileName: this.fileName,
        hdu: hduLabel(hdu.index, hdu.name),
      });
    return hdu;
  }

  has(name: string): boolean {
    return this.hdus.some((h) => h.name.toUpperCase() === name.toUpperCase());
  }
}

function isPadding(bytes: Uint8Array, offset: number): boolean {
  for (let i = offset; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Bytes of data (without padding), checked before anything is allocated from it. */
function dataSize(header: Header, primary: boolean, ctx: FitsContext): number {
  const first = primary ? "SIMPLE" : "XTENSION";
  if (!header.has(first)) throw new FitsError(`missing ${first} keyword at the start of the HDU`, ctx);
  const bitpix = header.int("BITPIX", ctx);
  const kind = kindOfBitpix(bitpix);
  if (!kind) throw new FitsError(`invalid BITPIX ${bitpix}`, { ...ctx, where: "card BITPIX" });
  const naxis = header.int("NAXIS", ctx, 0, 999);
  let count = naxis === 0 ? 0 : 1;
  for (let i = 1; i <= naxis; i++) {
    count *= header.int(`NAXIS${i}`, ctx, 0);
    if (!Number.isSafeInteger(count))
      throw new FitsError(`data size overflows (NAXIS${i})`, { ...ctx, where: `card NAXIS${i}` });
  }
  const pcount = header.int("PCOUNT", ctx, 0, Number.MAX_SAFE_INTEGER, 0);
  const gcount = header.int("GCOUNT", ctx, 1, Number.MAX_SAFE_INTEGER, 1);
  const size = KIND_BYTES[kind] * gcount * (pcount + count);
  if (!Number.isSafeInteger(size)) throw new FitsError("data size overflows (NAXISn × PCOUNT × GCOUNT)", ctx);
  return size;
}

function makeHdu(
  index: number,
  header: Header,
  bytes: Uint8Array,
  headerOffset: number,
  dataOffset: number,
  dataBytes: number,
  fileName: string | undefined,
  ctx: FitsContext,
): FitsHdu {
  const layout = [bytes, headerOffset, dataOffset, dataBytes, fileName] as const;
  if (index === 0) return new ImageHdu(index, header, ...layout);
  const xtension = (header.str("XTENSION") ?? "").trim().toUpperCase();
  if (xtension === "IMAGE") return new ImageHdu(index, header, ...layout);
  if (xtension === "BINTABLE") {
    const table = new BinTableHdu(index, header, ...layout);
    void table.columns; // validate the column layout (TFORMs against NAXIS1) on open
    if (table.header.int("NAXIS", ctx) !== 2)
      throw new FitsError("a binary table needs NAXIS = 2", { ...ctx, where: "card NAXIS" });
    return table;
  }
  return new OtherHdu(index, header, ...layout);
}
