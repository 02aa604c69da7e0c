import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { constants, gunzipSync } from "node:zlib";
import { FitsError, FitsFile, writeFitsBytesWithEnds, type Header, type HduSpec } from "../fits/index.js";
import { hduName } from "../fits/hdu.js";
import { type CompressionSpan, gzipFits, gzipFitsAsync } from "./fits-gzip.js";
import { writeFileAtomic, writeFileAtomicAsync } from "./atomic-files.js";
import { DEFAULT_MAX_FITS_BYTES, RAISE_LIMIT_HINT, scanHdus } from "../fits/layout.js";

export interface ReadFitsOptions {
  fileName?: string;
  /** Verify CHECKSUM and DATASUM where present (default true); false reads a file that fails them. */
  verifyChecksums?: boolean;
  /** Largest file, inflated, in bytes; default $GAMMAFLOW_MAX_FITS_BYTES, else DEFAULT_MAX_FITS_BYTES. */
  maxBytes?: number;
}

/** Read a FITS file (.fits or .fits.gz) from a path or from bytes. */
export function readFits(pathOrBytes: string | Uint8Array, options: ReadFitsOptions = {}): FitsFile {
  const fileName = options.fileName ?? (typeof pathOrBytes === "string" ? pathOrBytes : undefined);
  const maxBytes = options.maxBytes ?? maxFitsBytes();
  let bytes: Uint8Array;
  if (typeof pathOrBytes === "string") {
    try {
      const size = statSync(pathOrBytes).size;
      if (size > maxBytes) {
        throw new FitsError(`file of ${size} bytes exceeds the limit of ${maxBytes} bytes; ${RAISE_LIMIT_HINT}`, {
          fileName,
        });
      }
      bytes = readFileSync(pathOrBytes);
    } catch (error) {
      if (error instanceof FitsError) throw error;
      throw new FitsError(`cannot read file: ${(error as Error).message}`, { fileName });
    }
  } else {
    bytes = pathOrBytes;
  }
  const gunzip = (data: Uint8Array, limit: number) => gunzipCapped(data, limit, fileName);
  return FitsFile.parse(bytes, { fileName, gunzip, maxBytes, verifyChecksums: options.verifyChecksums });
}

/** Stored bytes read first for a header alone; each further try reads eight times as many. */
const HEADER_INPUT = 16 * 1024;

/**
 * The header of one HDU (by EXTNAME, case-insensitive, or PRIMARY), reading and inflating only
 * the start of the file up to that header: an events header without its events. Its data are
 * not read, so no checksum is verified; a reader of the data (readFits) does that. An HDU not
 * found in the whole file is readFits's error.
 */
export function readFitsHeader(path: string, hdu: string, options: ReadFitsOptions = {}): Header {
  const fileName = options.fileName ?? path;
  const maxBytes = options.maxBytes ?? maxFitsBytes();
  const wanted = hdu.toUpperCase();
  let size: number;
  let fd: number;
  try {
    size = statSync(path).size;
    fd = openSync(path, "r");
  } catch (error) {
    throw new FitsError(`cannot read file: ${(error as Error).message}`, { fileName });
  }
  try {
    for (let length = Math.min(size, HEADER_INPUT); length < size; length = Math.min(size, length * 8)) {
      const stored = new Uint8Array(length);
      readSync(fd, stored, 0, length, 0);
      const gzip = stored[0] === 0x1f && stored[1] === 0x8b;
      const bytes = gzip ? inflate(stored, maxBytes, fileName, true) : stored;
      const layouts = scanHdus(bytes, { fileName, maxBytes, prefix: true, keepCutHeader: true });
      const found = layouts.find((layout, index) => hduName(layout.header, index).toUpperCase() === wanted);
      if (found) return found.header;
    }
  } finally {
    closeSync(fd);
  }
  return readFits(path, options).hdu(hdu).header;
}

/** The limit from $GAMMAFLOW_MAX_FITS_BYTES (a whole number of bytes), else the default. */
export function maxFitsBytes(value = process.env.GAMMAFLOW_MAX_FITS_BYTES): number {
  if (value === undefined || value.trim() === "") return DEFAULT_MAX_FITS_BYTES;
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new FitsError(`$GAMMAFLOW_MAX_FITS_BYTES = '${value}' is not a positive whole number of bytes`);
  return n;
}

/** Compressed bytes inflated first: at most ~16 MiB come out (deflate inflates less than 1032:1). */
const HEAD_INPUT = 16 * 1024;

/**
 * Inflate at most `maxBytes`. The start is inflated and checked first, so that data that are not
 * FITS, or headers declaring more than the limit, stop before the rest is inflated.
 */
function gunzipCapped(data: Uint8Array, maxBytes: number, fileName?: string): Uint8Array {
  if (data.length > HEAD_INPUT)
    scanHdus(inflate(data.subarray(0, HEAD_INPUT), maxBytes, fileName, true), {
      fileName,
      maxBytes,
      prefix: true,
    });
  return inflate(data, maxBytes, fileName, false);
}

function inflate(data: Uint8Array, maxBytes: number, fileName: string | undefined, prefix: boolean): Uint8Array {
  try {
    // zlib stops as soon as the output passes maxOutputLength
    return gunzipSync(data, {
      maxOutputLength: maxBytes,
      finishFlush: prefix ? constants.Z_SYNC_FLUSH : undefined,
      chunkSize: prefix ? undefined : outputChunk(data, maxBytes),
    });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
      throw new FitsError(`inflates beyond ${maxBytes} bytes; ${RAISE_LIMIT_HINT}`, { fileName });
    throw new FitsError(`gzip data are truncated or corrupt (${(error as Error).message})`, { fileName });
  }
}

/** The largest single output chunk: a larger file comes in pieces of this size, copied together. */
const MAX_OUTPUT_CHUNK = 32 * 1024 * 1024;

/**
 * zlib's output chunk for a whole gzip file: its ISIZE (the size inflated, mod 2³², in the last
 * four bytes), so that the output comes in one piece, not 16 KiB pieces copied together at the
 * end (a DR1 run, 0.5 → 0.95 MB: 4.1 → 2.9 ms); between zlib's default and MAX_OUTPUT_CHUNK (or
 * the limit), so that a wrong or hostile ISIZE (several members, a corrupt trailer, a bomb) costs
 * no more than that.
 */
function outputChunk(data: Uint8Array, maxBytes: number): number {
  const n = data.length;
  if (n < 18) return constants.Z_DEFAULT_CHUNK;
  const isize = (data[n - 4] | (data[n - 3] << 8) | (data[n - 2] << 16) | (data[n - 1] << 24)) >>> 0;
  // never below zlib's default: an ISIZE of 0 (a bomb's) would make chunks of 64 bytes, millions of them
  return Math.max(constants.Z_DEFAULT_CHUNK, Math.min(isize + 1, maxBytes + 1, MAX_OUTPUT_CHUNK));
}

/** How to compress each HDU (see fits-gzip.ts): floating-point images by runs, the rest by matches. */
function compressionSpans(hdus: readonly HduSpec[], ends: readonly number[]): CompressionSpan[] {
  return hdus.map((hdu, i) => ({
    end: ends[i],
    runLength: hdu.kind === "image" && (hdu.data instanceof Float32Array || hdu.data instanceof Float64Array),
  }));
}

/**
 * Write HDUs to a FITS file, gzip-compressed when the path ends in .gz. The file appears
 * complete or not at all (written to a temporary name, then renamed).
 */
export function writeFits(path: string, hdus: HduSpec[], options: { gzip?: boolean } = {}): void {
  const { bytes, ends } = writeFitsBytesWithEnds(hdus);
  const gzip = options.gzip ?? path.endsWith(".gz");
  writeFileAtomic(path, gzip ? gzipFits(bytes, compressionSpans(hdus, ends)) : bytes);
}

/** Write FITS bytes as `writeFits` does: gzip for .gz, complete or not at all. */
export function writeFitsFileBytes(path: string, bytes: Uint8Array, options: { gzip?: boolean } = {}): void {
  const gzip = options.gzip ?? path.endsWith(".gz");
  writeFileAtomic(path, gzip ? gzipFits(bytes) : bytes);
}

export interface WriteFitsAsyncOptions {
  gzip?: boolean;
  /** Aborted while compressing: nothing is written, the promise rejects. */
  signal?: AbortSignal;
}

/**
 * `writeFits` with the compression on libuv's thread pool, so that the main thread goes on
 * meanwhile (a run's other outputs, its next observation).
 */
export async function writeFitsAsync(path: string, hdus: HduSpec[], options: WriteFitsAsyncOptions = {}) {
  const { bytes, ends } = writeFitsBytesWithEnds(hdus);
  const gzip = options.gzip ?? path.endsWith(".gz");
  const written = gzip ? await gzipFitsAsync(bytes, compressionSpans(hdus, ends)) : bytes;
  if (options.signal?.aborted) throw new Error(`${path}: not written, cancelled while compressing`);
  // written and renamed on the thread pool too (main job: replacing its 6.7 MB file took ~15 ms)
  await writeFileAtomicAsync(path, written, { signal: options.signal });
}
