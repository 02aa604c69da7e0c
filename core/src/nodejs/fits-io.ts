import { readFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { FitsError, FitsFile, writeFitsBytes, type HduSpec } from "../fits/index.js";
import { writeFileAtomic } from "./atomic-files.js";

/** Read a FITS file (.fits or .fits.gz) from a path or from bytes. */
export function readFits(pathOrBytes: string | Uint8Array, options: { fileName?: string } = {}): FitsFile {
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
  return FitsFile.parse(bytes, { fileName, gunzip });
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
  writeFileAtomic(path, gzip ? gzipSync(bytes) : bytes);
}
