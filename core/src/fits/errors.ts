/** Where in a FITS file something went wrong: file, HDU and card or column. */
export interface FitsContext {
  fileName?: string;
  hdu?: string;
  where?: string;
}

/** An error in FITS data; the message names the file, the HDU and the card or column. */
export class FitsError extends Error {
  override name = "FitsError";
  readonly fileName?: string;
  readonly hdu?: string;
  readonly where?: string;

  constructor(message: string, context: FitsContext = {}) {
    const location = [context.fileName, context.hdu && `HDU ${context.hdu}`, context.where].filter(Boolean).join(", ");
    super(location ? `${location}: ${message}` : message);
    this.fileName = context.fileName;
    this.hdu = context.hdu;
    this.where = context.where;
  }
}

/** HDU label for messages: index and EXTNAME when known. */
export function hduLabel(index: number, name?: string): string {
  return name ? `${index} (${name})` : String(index);
}
