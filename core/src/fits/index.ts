export { FitsError, type FitsContext } from "./errors.js";
export { type Card, type HeaderValue, parseCard, formatCard } from "./card.js";
export { Header } from "./header.js";
export type { TypedArray } from "./codec.js";
export { FitsHdu, ImageHdu, OtherHdu, type ImageData } from "./hdu.js";
export { BinTableHdu, type Column, type ColumnInfo } from "./bintable.js";
export { FitsFile, type FitsParseOptions } from "./reader.js";
export { DEFAULT_MAX_FITS_BYTES } from "./layout.js";
export {
  writeFitsBytes,
  writeFitsBytesWithEnds,
  type HduSpec,
  type ImageHduSpec,
  type BinTableHduSpec,
  type TableColumnSpec,
  type CopiedHduSpec,
} from "./writer.js";
