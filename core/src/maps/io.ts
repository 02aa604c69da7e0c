import { parseQuantity } from "../units/index.js";
import {
  BinTableHdu,
  FitsError,
  ImageHdu,
  type BinTableHduSpec,
  type Card,
  type FitsFile,
  type FitsHdu,
  type ImageHduSpec,
} from "../fits/index.js";
import { MapAxis } from "./axis/index.js";
import { WcsGeom } from "./geom.js";
import { WcsNDMap, type MapData, type MapDtype } from "./map.js";
import { Wcs2D } from "./wcs/index.js";

/**
 * gammapy's FITS layout for WCS maps (gammapy 1.0 "gadf" format): the image HDU with the
 * celestial WCS, WCSSHAPE, AXCOLSn/INTERPn, BANDSHDU, META and BUNIT, followed by a
 * `<NAME>_BANDS` table (CHANNEL, then centre/min/max columns per non-spatial axis).
 */
export interface MapHduOptions {
  /** Image HDU name; undefined writes the image into the primary HDU (gammapy's default). */
  hdu?: string;
  /** Bands table name; default `<HDU>_BANDS`. */
  hduBands?: string;
}

export function mapToHdus(map: WcsNDMap, options: MapHduOptions = {}): Array<ImageHduSpec | BinTableHduSpec> {
  const imageName = options.hdu?.toUpperCase();
  const bandsName = (options.hduBands ?? `${imageName ?? "PRIMARY"}_BANDS`).toUpperCase();
  const geom = map.geom;
  const axisCards = axesHeaderCards(geom.axes);
  const header: Card[] = [
    ...geom.wcs.headerCards(),
    ...axisCards,
    { key: "WCSSHAPE", value: `(${[geom.nx, geom.ny, ...geom.shapeAxes].join(",")})` },
  ];
  if (geom.axes.length > 0) header.push({ key: "BANDSHDU", value: bandsName });
  header.push({ key: "META", value: JSON.stringify(metaForFits(map.meta)) }, { key: "BUNIT", value: map.unit });
  const image: ImageHduSpec = {
    kind: "image",
    name: imageName,
    data: fitsImageData(map),
    shape: geom.dataShape,
    header,
  };
  const hdus: Array<ImageHduSpec | BinTableHduSpec> = imageName
    ? [{ kind: "image", data: new Float32Array(0), shape: [] }, image]
    : [image];
  if (geom.axes.length > 0) hdus.push(bandsTable(geom.axes, bandsName, axisCards));
  return hdus;
}

/** Masks are written as 64-bit integers, as gammapy does with boolean arrays. */
function fitsImageData(map: WcsNDMap): ImageHduSpec["data"] {
  if (map.dtype !== "bool") return map.data;
  const out = new BigInt64Array(map.data.length);
  for (let i = 0; i < out.length; i++) out[i] = map.data[i] ? 1n : 0n;
  return out;
}

function columnNames(axis: MapAxis): { center: string; min: string; max: string } {
  const upper = axis.name.toUpperCase();
  if (axis.name.toLowerCase() === "energy") return { center: "ENERGY", min: "E_MIN", max: "E_MAX" };
  return { center: upper, min: `${upper}_MIN`, max: `${upper}_MAX` };
}

function axesHeaderCards(axes: readonly MapAxis[]): Card[] {
  return axes.flatMap((axis, i) => {
    const names = columnNames(axis);
    const axcols = axis.nodeType === "edges" ? `${names.min},${names.max}` : names.center;
    return [
      { key: `AXCOLS${i + 1}`, value: axcols },
      { key: `INTERP${i + 1}`, value: axis.interp },
    ];
  });
}

function bandsTable(axes: readonly MapAxis[], name: string, axisCards: Card[]): BinTableHduSpec {
  const nchan = axes.reduce((n, a) => n * a.nbin, 1);
  const channel = new BigInt64Array(nchan);
  for (let c = 0; c < nchan; c++) channel[c] = BigInt(c);
  const columns: BinTableHduSpec["columns"] = [{ name: "CHANNEL", format: "K", data: channel }];
  let stride = 1;
  for (const axis of axes) {
    const names = columnNames(axis);
    const [center, lo, hi] = [new Float64Array(nchan), new Float64Array(nchan), new Float64Array(nchan)];
    const { center: c, edges } = axis;
    for (let ch = 0; ch < nchan; ch++) {
      const k = Math.floor(ch / stride) % axis.nbin; // the first axis varies fastest
      center[ch] = c[k];
      lo[ch] = edges[k];
      hi[ch] = edges[k + 1];
    }
    stride *= axis.nbin;
    const unit = axis.unit || undefined;
    columns.push(
      { name: names.center, format: "D", unit, data: center },
      { name: names.min, format: "D", unit, data: lo },
      { name: names.max, format: "D", unit, data: hi },
    );
  }
  return { kind: "bintable", name, columns, header: axisCards };
}

export interface MapReadOptions extends MapHduOptions {
  /** Read the data as this type (e.g. "bool" for masks written as integers). */
  dtype?: MapDtype;
}

/** Read a map in gammapy's layout: the named image HDU (default the first with data). */
export function mapFromFits(file: FitsFile, options: MapReadOptions = {}): WcsNDMap {
  const hdu =
    options.hdu !== undefined
      ? file.hdu(options.hdu)
      : file.hdus.find((h: FitsHdu) => h instanceof ImageHdu && h.shape.length > 0);
  const where = `${file.fileName ?? "FITS data"}[${hdu?.name ?? options.hdu ?? "?"}]`;
  if (!(hdu instanceof ImageHdu) || hdu.shape.length < 2) {
    throw new FitsError(`${where}: no image HDU with map data`);
  }
  const header = hdu.header;
  const wcs = Wcs2D.fromHeader((key) => header.get(key) ?? undefined, where);
  const shape = parseWcsShape(header.get("WCSSHAPE"), hdu.shape, where);
  const bandsName = options.hduBands ?? (header.get("BANDSHDU") as string | undefined);
  let axes: MapAxis[] = [];
  if (bandsName) {
    const bands = file.hdu(bandsName);
    if (!(bands instanceof BinTableHdu))
      throw new FitsError(`${where}: bands HDU '${bandsName}' is not a binary table`);
    axes = axesFromBands(bands, `${file.fileName ?? "FITS data"}[${bands.name}]`);
  }
  const geom = new WcsGeom(wcs, [shape[0], shape[1]], axes);
  const expected = geom.dataShape.join("×");
  if (hdu.shape.join("×") !== expected) {
    throw new FitsError(`${where}: image shape ${hdu.shape.join("×")} does not match the geometry ${expected}`);
  }
  const { data, dtype } = toMapData(hdu.data(), options.dtype);
  const metaText = header.get("META");
  let meta: Record<string, unknown> = {};
  if (typeof metaText === "string" && metaText.trim()) {
    try {
      meta = JSON.parse(metaText);
    } catch {
      throw new FitsError(`${where}: META is not valid JSON`);
    }
  }
  const unit = header.get("BUNIT");
  return new WcsNDMap(geom, data, typeof unit === "string" ? unit.trim() : "", dtype, metaFromFits(meta));
}

function parseWcsShape(value: unknown, imageShape: number[], where: string): number[] {
  if (typeof value !== "string") return [...imageShape].reverse();
  const numbers = value
    .replace(/[()\s]/g, "")
    .split(",")
    .filter(Boolean)
    .map(Number);
  if (numbers.length < 2 || numbers.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new FitsError(`${where}: cannot read WCSSHAPE '${value}'`);
  }
  return numbers;
}

function axesFromBands(bands: BinTableHdu, where: string): MapAxis[] {
  const axes: MapAxis[] = [];
  for (let i = 1; bands.header.has(`AXCOLS${i}`); i++) {
    const names = String(bands.header.get(`AXCOLS${i}`))
      .split(",")
      .map((s) => s.trim());
    const interp = String(bands.header.get(`INTERP${i}`) ?? "lin").trim() as "lin" | "log" | "sqrt";
    let name = names[0] === "E_MIN" ? "energy" : names[0].replace("_MIN", "").toLowerCase();
    if (name === "theta") name = "rad"; // v0.15 files
    for (const column of names) {
      if (!bands.hasColumn(column))
        throw new FitsError(`${where}: AXCOLS${i} names column '${column}', which is missing`);
    }
    const unit =
      bands.columns.find((c: { name: string; unit?: string }) => c.name.toUpperCase() === names[0].toUpperCase())
        ?.unit ?? "";
    const first = uniqueSorted(bands.columnAsFloat64(names[0]));
    if (names.length === 2) {
      const upper = uniqueSorted(bands.columnAsFloat64(names[1]));
      axes.push(MapAxis.fromEdges([...first, upper[upper.length - 1]], { name, interp, unit }));
    } else {
      axes.push(MapAxis.fromNodes(first, { name, interp, unit }));
    }
  }
  return axes;
}

function uniqueSorted(values: Float64Array): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function toMapData(raw: ReturnType<ImageHdu["data"]>, dtype?: MapDtype): { data: MapData; dtype: MapDtype } {
  if (dtype === "bool") {
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw[i] ? 1 : 0;
    return { data: out, dtype };
  }
  if (raw instanceof Float32Array) return { data: raw, dtype: "float32" };
  if (raw instanceof Float64Array) return { data: raw, dtype: "float64" };
  if (raw instanceof Int32Array) return { data: raw, dtype: "int32" };
  if (raw instanceof Int16Array) return { data: raw, dtype: "int16" };
  if (raw instanceof Uint8Array) return { data: raw, dtype: "uint8" };
  // 64-bit and unsigned integers: exact as doubles for the values maps hold.
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = Number(raw[i]);
  return { data: out, dtype: "float64" };
}

/** gammapy writes an exposure's livetime as a quantity string ("3163.0 s"); we keep seconds. */
function metaForFits(meta: Record<string, unknown>): Record<string, unknown> {
  const livetime = meta.livetime;
  return typeof livetime === "number" ? { ...meta, livetime: `${livetime} s` } : meta;
}

function metaFromFits(meta: Record<string, unknown>): Record<string, unknown> {
  const livetime = meta.livetime;
  if (typeof livetime !== "string") return meta;
  try {
    return { ...meta, livetime: parseQuantity(livetime, "s").value };
  } catch {
    return meta;
  }
}
