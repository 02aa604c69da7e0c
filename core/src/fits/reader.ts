import { BinTableHdu } from "./bintable.js";
import { verifyHduChecksums } from "./checksum.js";
import { FitsError, hduLabel } from "./errors.js";
import { type FitsHdu, ImageHdu, OtherHdu } from "./hdu.js";
import { DEFAULT_MAX_FITS_BYTES, type HduLayout, scanHdus } from "./layout.js";

export interface FitsParseOptions {
  fileName?: string;
  /**
   * Decompress gzip data (1f 8b) to at most `maxBytes` bytes, else throw; supplied by the
   * platform adapter (node:zlib in Node).
   */
  gunzip?: (bytes: Uint8Array, maxBytes: number) => Uint8Array;
  /** Largest (inflated) FITS data accepted; default DEFAULT_MAX_FITS_BYTES. */
  maxBytes?: number;
  /** Verify CHECKSUM and DATASUM cards where present (default true). */
  verifyChecksums?: boolean;
}

/** A FITS file: its HDUs, with headers parsed on open and data decoded on first access. */
export class FitsFile {
  private constructor(
    readonly hdus: FitsHdu[],
    readonly fileName?: string,
  ) {}

  static parse(input: Uint8Array, options: FitsParseOptions = {}): FitsFile {
    const { fileName, verifyChecksums = true } = options;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_FITS_BYTES;
    let bytes = input;
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      if (!options.gunzip)
        throw new FitsError("gzip-compressed data but no gunzip function was supplied", { fileName });
      bytes = options.gunzip(bytes, maxBytes);
    }
    const layouts = scanHdus(bytes, { fileName, maxBytes });
    if (verifyChecksums) for (const layout of layouts) verifyHduChecksums(bytes, layout);
    const hdus = layouts.map((layout, index) => makeHdu(index, layout, bytes, fileName));
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

function makeHdu(index: number, layout: HduLayout, bytes: Uint8Array, fileName: string | undefined): FitsHdu {
  const { header, headerOffset, dataOffset, dataBytes } = layout;
  const args = [index, header, bytes, headerOffset, dataOffset, dataBytes, fileName] as const;
  const xtension = index === 0 ? "IMAGE" : (header.str("XTENSION") ?? "").trim().toUpperCase();
  if (xtension === "IMAGE") return new ImageHdu(...args);
  if (xtension === "BINTABLE") {
    const table = new BinTableHdu(...args);
    void table.columns; // validate the column layout (TFORMs, TDIMs against NAXIS1) on open
    return table;
  }
  return new OtherHdu(...args);
}
