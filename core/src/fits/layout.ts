import { kindOfBitpix, KIND_BYTES } from "./codec.js";
import { FitsError, hduLabel, type FitsContext } from "./errors.js";
import { BLOCK, readHeader, type Header } from "./header.js";

/**
 * Largest FITS data (inflated) read by default: 512 MiB, so that a decompression bomb's
 * buffer plus the process stays under 1 GiB. Raised per read (maxBytes) or, in Node, by
 * $GAMMAFLOW_MAX_FITS_BYTES.
 */
export const DEFAULT_MAX_FITS_BYTES = 512 * 1024 * 1024;

export const RAISE_LIMIT_HINT = "raise the limit with the maxBytes option (in Node also $GAMMAFLOW_MAX_FITS_BYTES)";

/** Where one HDU lies in the file bytes. */
export interface HduLayout {
  header: Header;
  headerOffset: number;
  dataOffset: number;
  /** Bytes of data as declared by NAXISn, PCOUNT and GCOUNT (without the block padding). */
  dataBytes: number;
  context: FitsContext;
}

export interface LayoutOptions {
  fileName?: string;
  maxBytes?: number;
  /**
   * The bytes are only the start of the file (a prefix inflated first): stop quietly where
   * they end instead of calling the file truncated; everything seen so far is checked.
   */
  prefix?: boolean;
  /**
   * With `prefix`: also list the HDU whose header lies in the bytes but whose data go on past
   * them (last in the list, its data not there), for reading headers only.
   */
  keepCutHeader?: boolean;
}

/**
 * Walk the HDUs: each header (SIMPLE first, then XTENSION-first extensions), its declared
 * data size checked against the limit and the file, and what follows the last HDU (zeros
 * only). Nothing is allocated from a declared size.
 */
export function scanHdus(bytes: Uint8Array, options: LayoutOptions = {}): HduLayout[] {
  const { fileName, prefix = false, keepCutHeader = false } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FITS_BYTES;
  if (bytes.length > maxBytes) {
    const message = `FITS data of ${bytes.length} bytes exceed the limit of ${maxBytes} bytes; ${RAISE_LIMIT_HINT}`;
    throw new FitsError(message, { fileName });
  }
  if (bytes.length < BLOCK && !prefix) {
    throw new FitsError(`not a FITS file: ${bytes.length} bytes, less than one 2880-byte block`, { fileName });
  }
  const magic = "SIMPLE  =".slice(0, bytes.length); // a prefix may be shorter than the magic
  if (new TextDecoder("latin1").decode(bytes.subarray(0, magic.length)) !== magic) {
    throw new FitsError("not a FITS file: the first card is not SIMPLE", { fileName });
  }
  const hdus: HduLayout[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (hdus.length > 0 && isZeros(bytes, offset)) break; // padding some writers leave
    const first = hdus.length === 0 ? "SIMPLE" : "XTENSION";
    const ctx: FitsContext = { fileName, hdu: hduLabel(hdus.length) };
    const read = readHeader(bytes, offset, ctx, first, prefix);
    if (!read) break;
    const { header, dataOffset } = read;
    const context: FitsContext = { fileName, hdu: hduLabel(hdus.length, header.str("EXTNAME")?.trim()) };
    const dataBytes = dataSize(header, hdus.length === 0, context);
    const end = dataOffset + dataBytes;
    if (end > bytes.length && !prefix) {
      throw new FitsError(
        `data of ${dataBytes} bytes (from NAXISn/PCOUNT) extend beyond the end of the file: ` +
          `${bytes.length - Math.min(dataOffset, bytes.length)} bytes left (truncated?)`,
        context,
      );
    }
    if (end > maxBytes) {
      throw new FitsError(
        `data of ${dataBytes} bytes (from NAXISn/PCOUNT) would end at byte ${end}, beyond the limit of ` +
          `${maxBytes} bytes; ${RAISE_LIMIT_HINT}`,
        context,
      );
    }
    if (end > bytes.length) {
      // the rest of a prefix
      if (keepCutHeader) hdus.push({ header, headerOffset: offset, dataOffset, dataBytes, context });
      break;
    }
    hdus.push({ header, headerOffset: offset, dataOffset, dataBytes, context });
    offset = dataOffset + Math.ceil(dataBytes / BLOCK) * BLOCK;
  }
  return hdus;
}

function isZeros(bytes: Uint8Array, offset: number): boolean {
  for (let i = offset; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Bytes of data (without padding), from keywords checked to be consistent. */
function dataSize(header: Header, primary: boolean, ctx: FitsContext): number {
  const at = (key: string): FitsContext => ({ ...ctx, where: `card ${key}` });
  const bitpix = header.int("BITPIX", ctx);
  const kind = kindOfBitpix(bitpix);
  if (!kind) throw new FitsError(`invalid BITPIX ${bitpix} (8, 16, 32, 64, -32 or -64)`, at("BITPIX"));
  const naxis = header.int("NAXIS", ctx, 0, 999);
  let count = naxis === 0 ? 0 : 1;
  for (let i = 1; i <= naxis; i++) {
    count *= header.int(`NAXIS${i}`, ctx, 0);
    if (!Number.isSafeInteger(count)) throw new FitsError(`data size overflows (NAXIS${i})`, at(`NAXIS${i}`));
  }
  const pcount = header.int("PCOUNT", ctx, 0, Number.MAX_SAFE_INTEGER, 0);
  const gcount = header.int("GCOUNT", ctx, 1, Number.MAX_SAFE_INTEGER, 1);
  if (!primary) checkExtension(header, { bitpix, naxis, pcount, gcount }, ctx);
  const size = KIND_BYTES[kind] * gcount * (pcount + count);
  if (!Number.isSafeInteger(size)) throw new FitsError("data size overflows (NAXISn × PCOUNT × GCOUNT)", ctx);
  return size;
}

/** The mandatory keywords of the two extension types we decode (FITS 4.0 §7.1, §7.3). */
function checkExtension(
  header: Header,
  keys: { bitpix: number; naxis: number; pcount: number; gcount: number },
  ctx: FitsContext,
): void {
  const xtension = (header.str("XTENSION") ?? "").trim().toUpperCase();
  const expect = (ok: boolean, key: string, value: number, wanted: string) => {
    if (!ok)
      throw new FitsError(`${key} = ${value} in an ${xtension} extension (must be ${wanted})`, {
        ...ctx,
        where: `card ${key}`,
      });
  };
  if (xtension === "BINTABLE") {
    expect(keys.bitpix === 8, "BITPIX", keys.bitpix, "8");
    expect(keys.naxis === 2, "NAXIS", keys.naxis, "2");
    expect(keys.gcount === 1, "GCOUNT", keys.gcount, "1");
  } else if (xtension === "IMAGE") {
    expect(keys.pcount === 0, "PCOUNT", keys.pcount, "0");
    expect(keys.gcount === 1, "GCOUNT", keys.gcount, "1");
  }
}
