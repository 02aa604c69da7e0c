import { applyScaling, decodeContiguous, kindOfBitpix, type NumericKind, type TypedArray } from "./codec.js";
import { hduLabel, type FitsContext } from "./errors.js";
import { BLOCK, type Header } from "./header.js";

/** An HDU's name: EXTNAME, or PRIMARY for the first HDU without one. */
export function hduName(header: Header, index: number): string {
  return header.str("EXTNAME")?.trim() ?? (index === 0 ? "PRIMARY" : "");
}

/** What every HDU exposes: position, name, header and the raw data bytes. */
export abstract class FitsHdu {
  abstract readonly kind: "image" | "bintable" | "other";

  constructor(
    readonly index: number,
    readonly header: Header,
    protected readonly bytes: Uint8Array,
    /** Where the header starts in `bytes`. */
    protected readonly headerOffset: number,
    protected readonly dataOffset: number,
    protected readonly dataBytes: number,
    protected readonly fileName?: string,
  ) {}

  /** EXTNAME, or PRIMARY for the first HDU without one. */
  get name(): string {
    return hduName(this.header, this.index);
  }

  /** "file[EXTNAME]" for messages. */
  get location(): string {
    return `${this.fileName ?? "FITS data"}[${this.name || this.index}]`;
  }

  /** The header and data bytes as stored (data without its padding), for copying the HDU verbatim. */
  storedBytes(): { header: Uint8Array; data: Uint8Array } {
    return {
      header: this.bytes.subarray(this.headerOffset, this.dataOffset),
      data: this.bytes.subarray(this.dataOffset, this.dataOffset + this.dataBytes),
    };
  }

  /** Bytes the HDU takes in a file, header and padded data (the SIZE of a GADF HDU index). */
  get storedSize(): number {
    return this.dataOffset - this.headerOffset + Math.ceil(this.dataBytes / BLOCK) * BLOCK;
  }

  get extver(): number {
    return this.header.num("EXTVER", 1, this.context());
  }

  protected context(where?: string): FitsContext {
    return { fileName: this.fileName, hdu: hduLabel(this.index, this.header.str("EXTNAME")?.trim()), where };
  }
}

export type ImageData = TypedArray;

/** A primary or IMAGE extension HDU. */
export class ImageHdu extends FitsHdu {
  readonly kind = "image" as const;
  private cache?: ImageData;

  /** Data shape in C (numpy) order: (NAXISn, …, NAXIS1); empty when there is no data. */
  get shape(): number[] {
    const naxis = this.header.int("NAXIS", this.context());
    const shape: number[] = [];
    for (let i = naxis; i >= 1; i--) shape.push(this.header.int(`NAXIS${i}`, this.context()));
    return naxis === 0 ? [] : shape;
  }

  /** Decoded data (cached): BSCALE/BZERO applied, unsigned conventions as unsigned arrays. */
  data(): ImageData {
    if (this.cache) return this.cache;
    const ctx = this.context();
    const bitpix = this.header.int("BITPIX", ctx);
    const kind = kindOfBitpix(bitpix) as NumericKind;
    const count = this.shape.reduce((a, b) => a * b, this.shape.length ? 1 : 0);
    const raw = decodeContiguous(this.bytes, this.dataOffset, kind, count);
    const scale = this.header.num("BSCALE", 1, ctx);
    const zero = this.header.num("BZERO", 0, ctx);
    this.cache = applyScaling(raw, kind, scale, zero);
    return this.cache;
  }
}

/** An HDU type we do not decode (e.g. ASCII tables); its header is still available. */
export class OtherHdu extends FitsHdu {
  readonly kind = "other" as const;
}
