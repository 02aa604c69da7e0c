import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { FitsError, FitsFile, writeFitsBytes, type HduSpec } from "../fits/index.js";

export interface ReadFitsOptions {
  fileName?: string;
  /** Verify CHECKSUM and DATASUM where present (default true); false reads a file that fails them. */
  verifyChecksums?: boolean;
}

/** Read a FITS file (.fits or .fits.gz) from a path or from bytes. */
export function readFits(pathOrBytes: string | Uint8Array, options: ReadFitsOptions = {}): FitsFile {
  const fileName = options.fileName ?? (typeof pathOrBytes === "string" ? pathOrBytes : undefined);
  let bytes: Uint8Array;
  if (typeof pathOrBytes === "string") {
    try {
      bytes = readFileSync(pathOrBytes);
    } catch (error) {
      throw new FitsError(`cannot read file: ${(error as Error).message}`, { fileName });
    }
  } else {
    bytes = pathOrBytes;
  }
  const gunzip = (data: Uint8Array): Uint8Array => {
    try {
      return gunzipSync(data);
    } catch (error) {
      throw new FitsError(`gzip data are truncated or corrupt (${(error as Error).message})`, { fileName });
    }
  };
  return FitsFile.parse(bytes, { fileName, gunzip, verifyChecksums: options.verifyChecksums });
}

/**
 * Write HDUs to a FITS file, gzip-compressed when the path ends in .gz. The file appears
 * complete or not at all (written to a temporary name, then renamed).
 */
export function writeFits(path: string, hdus: HduSpec[], options: { gzip?: boolean } = {}): void {
  writeFitsFileBytes(path, writeFitsBytes(hdus), options);
}

/** Write FITS bytes as `writeFits` does: gzip for .gz, complete or not at all. */
export function writeFitsFileBytes(path: string, bytes: Uint8Array, options: { gzip?: boolean } = {}): void {
  const gzip = options.gzip ?? path.endsWith(".gz");
  writeFileAtomically(path, gzip ? gzipSync(bytes) : bytes);
}

/**
 * Write a file under a temporary name in its folder, then rename it (atomic within a file
 * system): a reader sees the old file or the new one, never part of one.
 */
function writeFileAtomically(path: string, bytes: Uint8Array): void {
  const temporary = `${path}.partial-${process.pid}`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
