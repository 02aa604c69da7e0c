import { SkyCoord } from "../coords/index.js";
import { MapAxis, WcsGeom, type Projection, type SkyRegion } from "../maps/index.js";
import { parseQuantity } from "../units/index.js";
import type { MapDatasetCreateOptions } from "../datasets/index.js";
import type { JsonSchema } from "./plugin.js";

/**
 * JSON shapes of the things graphs describe (quantities as numbers in canonical units or as
 * unit strings, "1 TeV", "0.02 deg"), their schemas, and their conversion to core objects.
 */

/** A quantity of the given unit: a number (in that unit) or a string with a unit. */
export function quantitySchema(unit: string, extra: JsonSchema = {}): JsonSchema {
  return { anyOf: [{ type: "number" }, { type: "string", "x-unit": unit }], ...extra };
}

export interface AxisSpec {
  name: string;
  lo: number | string;
  hi: number | string;
  nbin: number;
  interp?: "lin" | "log" | "sqrt";
  unit?: string;
}

export const axisSpecSchema: JsonSchema = {
  type: "object",
  required: ["name", "lo", "hi", "nbin"],
  additionalProperties: false,
  properties: {
    name: { type: "string", description: "energy, energy_true, migra, rad (v0.15's theta is accepted)" },
    lo: { anyOf: [{ type: "number" }, { type: "string" }], description: "lower edge, e.g. \"1 TeV\"" },
    hi: { anyOf: [{ type: "number" }, { type: "string" }], description: "upper edge" },
    nbin: { type: "integer", minimum: 1 },
    interp: { enum: ["lin", "log", "sqrt"], description: "spacing of the edges (default log for energies, lin otherwise)" },
    unit: { type: "string", description: "unit of numeric edges (default TeV for energies, deg for rad, none for migra)" },
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
    skydir: { type: "array", items: { type: "number" }, minItems: 2, maxItems: 2, description: "centre (lon, lat) in deg, in `frame`" },
    frame: { enum: ["icrs", "galactic"], default: "icrs" },
    width: { anyOf: [quantitySchema("deg"), { type: "array", items: quantitySchema("deg"), minItems: 2, maxItems: 2 }] },
    binsz: quantitySchema("deg"),
    proj: { enum: ["CAR", "TAN", "SIN", "AIT"], default: "CAR" },
    axes: { type: "array", items: axisSpecSchema },
  },
};

const DEFAULT_UNIT: Record<string, string> = { energy: "TeV", energy_true: "TeV", rad: "deg", theta: "deg", migra: "" };

export function axisFromSpec(spec: AxisSpec): MapAxis {
  const unit = spec.unit ?? DEFAULT_UNIT[spec.name] ?? "";
  const value = (v: number | string) => (typeof v === "number" ? v : parseQuantity(v, unit).to(unit).value);
  const interp = spec.interp ?? (spec.name.startsWith("energy") ? "log" : "lin");
  return MapAxis.fromBounds(value(spec.lo), value(spec.hi), spec.nbin, { name: spec.name, unit, interp });
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
  migraAxis: { ...axisSpecSchema, description: "migration axis of the EDisp map (default 0.2–5 in 48 bins)" },
  radAxis: { ...axisSpecSchema, description: "offset axis of the PSF map (default 0–0.66 deg in 66 bins)" },
  binszIrf: quantitySchema("deg", { description: "pixel size of the IRF maps (default 0.2 deg)" }),
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

export interface SkyCoordSpec {
  lon: number;
  lat: number;
  frame?: "icrs" | "galactic";
}

export const skyCoordSchema: JsonSchema = {
  type: "object",
  required: ["lon", "lat"],
  additionalProperties: false,
  properties: { lon: { type: "number" }, lat: { type: "number" }, frame: { enum: ["icrs", "galactic"], default: "icrs" } },
};

export function skyCoordFromSpec(spec: SkyCoordSpec): SkyCoord {
  return new SkyCoord(spec.lon, spec.lat, spec.frame ?? "icrs");
}

export type RegionSpec =
  | { type: "circle"; center: SkyCoordSpec; radius: number | string }
  | { type: "box"; center: SkyCoordSpec; width: number | string; height: number | string };

export const regionSchema: JsonSchema = {
  oneOf: [
    {
      type: "object",
      required: ["type", "center", "radius"],
      additionalProperties: false,
      properties: { type: { const: "circle" }, center: skyCoordSchema, radius: quantitySchema("deg") },
    },
    {
      type: "object",
      required: ["type", "center", "width", "height"],
      additionalProperties: false,
      properties: { type: { const: "box" }, center: skyCoordSchema, width: quantitySchema("deg"), height: quantitySchema("deg") },
    },
  ],
};

export function regionFromSpec(spec: RegionSpec): SkyRegion {
  return spec.type === "circle"
    ? { type: "circle", center: skyCoordFromSpec(spec.center), radius: spec.radius }
    : { type: "box", center: skyCoordFromSpec(spec.center), width: spec.width, height: spec.height };
}
