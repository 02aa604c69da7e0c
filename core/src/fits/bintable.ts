import { applyScaling, decodeContiguous, decodeStrided, type NumericKind, type TypedArray } from "./codec.js";
import { FitsError } from "./errors.js";
import { FitsHdu } from "./hdu.js";
import { NUMERIC_KIND, elementBytes, parseTdim, parseTform, type ColumnFormat } from "./tform.js";

export interface ColumnInfo {
  name: string;
  tform: string;
  format: ColumnFormat;
  /** Byte offset within a row. */
  offset: number;
  unit?: string;
  /** TDIM in FITS order (first index fastest). */
  dim?: number[];
  tnull?: number | bigint;
  tscal: number;
  tzero: number;
}

/** Decoded column: one value per row, or `repeat` values per row for vector columns. */
export type Column = TypedArray | string[] | TypedArray[];

/** A BINTABLE extension; columns decode lazily on first access and are cached. */
export class BinTableHdu extends FitsHdu {
  readonly kind = "bintable" as const;
  private columnsCache?: ColumnInfo[];
  private decoded = new Map<string, Column>();

  get nrows(): number {
    return this.header.int("NAXIS2", this.context());
  }

  get rowBytes(): number {
    return this.header.int("NAXIS1", this.context());
  }

  get columns(): ColumnInfo[] {
    if (this.columnsCache) return this.columnsCache;
    const h = this.header;
    const tfields = h.int("TFIELDS", this.context(), 0, 999);
    const columns: ColumnInfo[] = [];
    let offset = 0;
    for (let i = 1; i <= tfields; i++) {
      const name = (h.str(`TTYPE${i}`) ?? `col${i}`).trim();
      const ctx = this.context(`column ${i} '${name}'`);
      const tform = h.str(`TFORM${i}`);
      if (tform === undefined) throw new FitsError(`missing TFORM${i}`, ctx);
      const format = parseTform(tform, ctx);
      const tdim = h.str(`TDIM${i}`);
      const tnull = h.get(`TNULL${i}`);
      columns.push({
        name,
        tform: tform.trim(),
        format,
        offset,
        unit: h.str(`TUNIT${i}`)?.trim() || undefined,
        dim: tdim ? parseTdim(tdim, format, { ...ctx, where: `${ctx.where}, card TDIM${i}` }) : undefined,
        tnull: typeof tnull === "number" || typeof tnull === "bigint" ? tnull : undefined,
        tscal: h.num(`TSCAL${i}`, 1, ctx),
        tzero: h.num(`TZERO${i}`, 0, ctx),
      });
      offset += format.width;
    }
    if (offset !== this.rowBytes) {
      throw new FitsError(
        `columns take ${offset} bytes per row but NAXIS1 = ${this.rowBytes}`,
        this.context("card NAXIS1"),
      );
    }
    const rowsEnd = this.rowBytes * this.nrows;
    this.header.int("THEAP", this.context(), rowsEnd, this.dataBytes, rowsEnd); // the heap lies in the data
    this.columnsCache = columns;
    return columns;
  }

  /** A column's TFORM (code, repeat, …); undefined when there is no such column. */
  columnFormat(name: string): ColumnFormat | undefined {
    return this.findColumn(name)?.format;
  }

  hasColumn(name: string): boolean {
    return this.findColumn(name) !== undefined;
  }

  columnInfo(name: string): ColumnInfo {
    const info = this.findColumn(name);
    if (!info) {
      throw new FitsError(
        `no column '${name}' (columns: ${this.columns.map((c) => c.name).join(", ")})`,
        this.context(`column '${name}'`),
      );
    }
    return info;
  }

  /** Cell shape of a column in C order (e.g. TDIM (a,b) → [b, a]); [] for scalars. */
  cellShape(name: string): number[] {
    const info = this.columnInfo(name);
    if (info.dim) return [...info.dim].reverse();
    const n = info.format.code === "A" ? 1 : info.format.repeat;
    return n === 1 ? [] : [n];
  }

  column(name: string): Column {
    const info = this.columnInfo(name);
    const cached = this.decoded.get(info.name);
    if (cached) return cached;
    const column = this.decode(info);
    this.decoded.set(info.name, column);
    return column;
  }

  /** Any numeric column as doubles (64-bit integers converted with Number()). */
  columnAsFloat64(name: string): Float64Array {
    const column = this.column(name);
    if (column instanceof Float64Array) return column;
    if (Array.isArray(column)) throw new FitsError("column is not numeric", this.context(`column '${name}'`));
    if (column instanceof BigInt64Array || column instanceof BigUint64Array) {
      const out = new Float64Array(column.length);
      for (let i = 0; i < column.length; i++) out[i] = Number(column[i]);
      return out;
    }
    // the typed-array constructor converts natively (`from` with a mapper is slow)
    return new Float64Array(column as ArrayLike<number>);
  }

  private findColumn(name: string): ColumnInfo | undefined {
    const lower = name.toLowerCase();
    return this.columns.find((c) => c.name.toLowerCase() === lower);
  }

  private decode(info: ColumnInfo): Column {
    const { code, repeat } = info.format;
    const rows = this.nrows;
    const ctx = this.context(`column '${info.name}'`);
    const base = this.dataOffset + info.offset;
    if (code === "A") {
      const decoder = new TextDecoder("latin1");
      const out: string[] = new Array(rows);
      for (let r = 0; r < rows; r++) {
        const start = base + r * this.rowBytes;
        out[r] = decoder.decode(this.bytes.subarray(start, start + repeat)).replace(/[\0\s]+$/, "");
      }
      return out;
    }
    if (code === "L") {
      const out = new Uint8Array(rows * repeat);
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < repeat; k++)
          out[r * repeat + k] = this.bytes[base + r * this.rowBytes + k] === 0x54 ? 1 : 0;
      }
      return out;
    }
    if (code === "X") {
      const out = new Uint8Array(rows * repeat);
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < repeat; k++) {
          const byte = this.bytes[base + r * this.rowBytes + (k >> 3)];
          out[r * repeat + k] = (byte >> (7 - (k & 7))) & 1;
        }
      }
      return out;
    }
    if (code === "P" || code === "Q") return this.decodeVariableLength(info, ctx);
    const kind = NUMERIC_KIND[code];
    if (!kind) throw new FitsError(`unsupported column type '${info.tform}'`, ctx);
    const raw = decodeStrided(this.bytes, base, this.rowBytes, rows, kind, repeat);
    return applyScaling(raw, kind, info.tscal, info.tzero);
  }

  /** P/Q columns: per-row arrays from the heap (THEAP, default right after the rows). */
  private decodeVariableLength(info: ColumnInfo, ctx: ReturnType<BinTableHdu["context"]>): TypedArray[] {
    const code = info.format.vlaCode ?? "";
    const kind =
      NUMERIC_KIND[code as ColumnFormat["code"]] ?? (code === "L" || code === "A" ? ("u8" as NumericKind) : undefined);
    if (!kind) throw new FitsError(`unsupported variable-length element type '${code}'`, ctx);
    const descriptorKind: NumericKind = info.format.code === "P" ? "i32" : "i64";
    const descriptors = decodeStrided(
      this.bytes,
      this.dataOffset + info.offset,
      this.rowBytes,
      this.nrows,
      descriptorKind,
      2,
    );
    const heapStart =
      this.dataOffset + this.header.int("THEAP", ctx, 0, Number.MAX_SAFE_INTEGER, this.rowBytes * this.nrows);
    const heapEnd = this.dataOffset + this.dataBytes;
    const size = elementBytes(code);
    const out: TypedArray[] = [];
    for (let r = 0; r < this.nrows; r++) {
      const count = Number(descriptors[2 * r]);
      const offset = Number(descriptors[2 * r + 1]);
      const start = heapStart + offset;
      if (count < 0 || offset < 0 || start + count * size > heapEnd) {
        throw new FitsError(
          `row ${r}: variable-length array (${count} × ${size} bytes at heap offset ${offset}) lies outside the heap`,
          ctx,
        );
      }
      const raw = decodeContiguous(this.bytes, start, kind, count);
      out.push(applyScaling(raw, kind, info.tscal, info.tzero));
    }
    return out;
  }
}
