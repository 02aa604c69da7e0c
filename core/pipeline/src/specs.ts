import { Type, type SchemaOptions, type Static } from "@sinclair/typebox";
import {
  MapAxis,
  MapDataset,
  parseQuantity,
  SkyCoord,
  WcsGeom,
  type MapDatasetCreateOptions,
  type Projection,
  type SkyRegion,
} from "@gammaflow/core";
import { AngleOrPair, Enum, Quantity, type JsonSchema } from "./params.js";

/**
 * JSON shapes of the things graphs describe (quantities as numbers in canonical units or as
 * unit strings, "1 TeV", "0.02 deg"), their schemas, and their conversion to core objects.
 */

export interface AxisSpec {
  name: string;
  lo: number | string;
  hi: number | string;
  nbin: number;
  interp?: "lin" | "log" | "sqrt";
  unit?: string;
}

/**
 * The most bins an axis of a graph may have: far above real binnings (gammapy's default migra axis
 * has 48, fine energy axes a few hundred), far below what exhausts memory (3e8 bins: 9 GB).
 */
export const MAX_AXIS_BINS = 10_000;

export const axisSpecSchema: JsonSchema = {
  type: "object",
  required: ["name", "lo", "hi", "nbin"],
  additionalProperties: false,
  properties: {
    name: { type: "string", description: "energy, energy_true, migra, rad (v0.15's theta is accepted)" },
    lo: { anyOf: [{ type: "number" }, { type: "string" }], description: 'lower edge, e.g. "1 TeV"' },
    hi: { anyOf: [{ type: "number" }, { type: "string" }], description: "upper edge" },
    nbin: { type: "integer", minimum: 1, maximum: MAX_AXIS_BINS },
    interp: {
      enum: ["lin", "log", "sqrt"],
      description: "spacing of the edges (default log for energies, lin otherwise)",
    },
    unit: {
      type: "string",
      description: "unit of numeric edges (default TeV for energies, deg for rad, none for migra)",
    },
  },
};

export interface GeomSpec {
  skydir?: [number, number];
  frame?: "icrs" | "galactic";
  width?: number | string | [number | string, number | string];
  binsz?: number | string;
  proj?: Projection;
  axes?: AxisSpec[];
}

export const geomSpecSchema: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    skydir: {
      type: "array",
      items: { type: "number" },
      minItems: 2,
      maxItems: 2,
      description: "centre (lon, lat) in deg, in `frame`",
    },
    frame: { enum: ["icrs", "galactic"], default: "icrs" },
    width: AngleOrPair(),
    binsz: Quantity("deg"),
    proj: { enum: ["CAR", "TAN", "SIN", "AIT"], default: "CAR" },
    axes: { type: "array", items: axisSpecSchema },
  },
};

const DEFAULT_UNIT: Record<string, string> = { energy: "TeV", energy_true: "TeV", rad: "deg", theta: "deg", migra: "" };

/** The range the edges of an axis must lie in, by name, in its default unit (an offset is at most 180°). */
const AXIS_RANGE: Record<string, { min: number; minInclusive: boolean; max: number }> = {
  energy: { min: 0, minInclusive: false, max: Number.POSITIVE_INFINITY },
  energy_true: { min: 0, minInclusive: false, max: Number.POSITIVE_INFINITY },
  rad: { min: 0, minInclusive: true, max: 180 },
  theta: { min: 0, minInclusive: true, max: 180 },
  migra: { min: 0, minInclusive: true, max: Number.POSITIVE_INFINITY },
};

export function axisFromSpec(spec: AxisSpec): MapAxis {
  const unit = spec.unit ?? (Object.hasOwn(DEFAULT_UNIT, spec.name) ? DEFAULT_UNIT[spec.name] : "");
  const value = (v: number | string) => (typeof v === "number" ? v : parseQuantity(v, unit).to(unit).value);
  const interp = spec.interp ?? (spec.name.startsWith("energy") ? "log" : "lin");
  if (!Number.isInteger(spec.nbin) || spec.nbin < 1 || spec.nbin > MAX_AXIS_BINS)
    throw new Error(`axis '${spec.name}': nbin must be a whole number from 1 to ${MAX_AXIS_BINS}, got ${spec.nbin}`);
  const [lo, hi] = [value(spec.lo), value(spec.hi)];
  const shown = `${spec.lo} to ${spec.hi}`;
  if (!(lo < hi)) throw new Error(`axis '${spec.name}': lo must be below hi, got ${shown}`);
  if (interp !== "lin" && !(interp === "sqrt" ? lo >= 0 : lo > 0))
    throw new Error(`axis '${spec.name}': ${interp} spacing needs positive edges, got ${shown}`);
  const range = Object.hasOwn(AXIS_RANGE, spec.name) ? AXIS_RANGE[spec.name] : undefined;
  if (range) {
    const base = DEFAULT_UNIT[spec.name];
    const [min, max] = [lo, hi].map((v) => parseQuantity(v, unit).to(base).value);
    if (min < range.min || (!range.minInclusive && min === range.min) || max > range.max) {
      const low = `${range.minInclusive ? "≥" : ">"} ${range.min}`;
      const high = Number.isFinite(range.max) ? ` and ≤ ${range.max}` : "";
      throw new Error(`axis '${spec.name}': edges must be ${low}${high} ${base || "(no unit)"}, got ${shown}`);
    }
  }
  return MapAxis.fromBounds(lo, hi, spec.nbin, { name: spec.name, unit, interp });
}

export function geomFromSpec(spec: GeomSpec): WcsGeom {
  return WcsGeom.create({
    skydir: spec.skydir,
    frame: spec.frame,
    width: spec.width,
    binsz: spec.binsz,
    proj: spec.proj,
    axes: (spec.axes ?? []).map(axisFromSpec),
  });
}

/** The options of MapDataset.create as graph params. */
export interface DatasetSpec {
  energyAxisTrue?: AxisSpec;
  migraAxis?: AxisSpec;
  radAxis?: AxisSpec;
  binszIrf?: number | string;
  name?: string;
}

export const datasetSpecProperties: Record<string, JsonSchema> = {
  energyAxisTrue: { ...axisSpecSchema, description: "true-energy axis (default: the reconstructed axis)" },
  migraAxis: {
    ...axisSpecSchema,
    description:
      "migration axis: given, the EDisp is an EDispMap on it (gammapy v0.15's default was 0.2–5 in 48 bins); " +
      "absent, an EDispKernelMap on the reconstructed energies (gammapy 1.0's default)",
  },
  radAxis: { ...axisSpecSchema, description: "offset axis of the PSF map (default 0–0.66 deg in 66 bins)" },
  binszIrf: Quantity("deg", { description: "pixel size of the IRF maps (default 0.2 deg)" }),
  name: { type: "string" },
};

export function datasetOptionsFromSpec(spec: DatasetSpec): MapDatasetCreateOptions {
  return {
    energyAxisTrue: spec.energyAxisTrue && axisFromSpec(spec.energyAxisTrue),
    migraAxis: spec.migraAxis && axisFromSpec(spec.migraAxis),
    radAxis: spec.radAxis && axisFromSpec(spec.radAxis),
    binszIrf: spec.binszIrf === undefined ? undefined : parseQuantity(spec.binszIrf, "deg").to("deg").value,
    name: spec.name,
  };
}

/**
 * Problems of a graph's inputs found by building them as a run would, allocating nothing: the
 * target geometry, the dataset options, and the size of the datasets made on them (counts,
 * exposure, PSF and EDisp maps, the IRF pixel size included) against the allocation limit.
 */
export function inputIssues(inputs: { geom?: GeomSpec; dataset?: DatasetSpec } = {}): Array<{
  path: string;
  message: string;
}> {
  const issues: Array<{ path: string; message: string }> = [];
  const build = <T>(key: "geom" | "dataset", make: () => T): T | undefined => {
    try {
      return make();
    } catch (e) {
      issues.push({ path: `/inputs/${key}`, message: (e as Error).message });
      return undefined;
    }
  };
  const geom = inputs.geom && build("geom", () => geomFromSpec(inputs.geom!));
  const dataset = inputs.dataset && build("dataset", () => datasetOptionsFromSpec(inputs.dataset!));
  if (geom && (dataset || !inputs.dataset) && geom.axesNames.includes("energy"))
    build("dataset", () => MapDataset.checkCreate(geom, dataset ?? {}, dataset?.name));
  return issues;
}

/** A sky position param: lon, lat in deg and a frame. */
export function SkyCoordParam(options: SchemaOptions = {}) {
  return Type.Object(
    { lon: Type.Number(), lat: Type.Number(), frame: Enum(["icrs", "galactic"], { default: "icrs" }) },
    { additionalProperties: false, description: "a sky position (lon, lat in deg)", ...options },
  );
}
export type SkyCoordSpec = Static<ReturnType<typeof SkyCoordParam>>;

export function skyCoordFromSpec(spec: { lon: number; lat: number; frame?: "icrs" | "galactic" }): SkyCoord {
  return new SkyCoord(spec.lon, spec.lat, spec.frame ?? "icrs");
}

/** A circle or a box on the sky (exclusion regions); sizes in deg once resolved. */
export const RegionParam = Type.Union([
  Type.Object(
    { type: Type.Literal("circle"), center: SkyCoordParam(), radius: Quantity("deg") },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal("box"), center: SkyCoordParam(), width: Quantity("deg"), height: Quantity("deg") },
    { additionalProperties: false },
  ),
]);
export type RegionSpec = Static<typeof RegionParam>;

export function regionFromSpec(spec: RegionSpec): SkyRegion {
  return spec.type === "circle"
    ? { type: "circle", center: skyCoordFromSpec(spec.center), radius: spec.radius }
    : { type: "box", center: skyCoordFromSpec(spec.center), width: spec.width, height: spec.height };
}
