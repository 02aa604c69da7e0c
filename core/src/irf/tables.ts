import type { BinTableHdu } from "../fits/index.js";
import type { MapAxis } from "../maps/axis/index.js";
import { columnUnitFactor } from "../units/index.js";
import { axisColumns, readIrfAxes, readIrfData, transposeReverse } from "./gadf.js";
import { Irf } from "./irf.js";
import { checkIrfValues, type IrfLoadOptions } from "./validate.js";

/** Axes of a table in the order an IRF class requires; an error names what is missing. */
function requiredAxes(table: BinTableHdu, names: string[], tag: string): MapAxis[] {
  const axes = readIrfAxes(table);
  return names.map((name) => {
    const axis = axes.find((a) => a.name === name);
    if (!axis)
      throw new Error(
        `${table.location}: ${tag} needs an axis '${name}' (columns ${axisColumns(name)}; found axes: ` +
          `${axes.map((a) => a.name).join(", ") || "none"})`,
      );
    return axis;
  });
}

function dataColumn(table: BinTableHdu, candidates: string[], tag: string): string {
  const name = candidates.find((c) => table.hasColumn(c));
  if (!name) throw new Error(`${table.location}: ${tag} needs a data column ${candidates.join(" or ")}`);
  return name;
}

/** Data converted to `unit` (no TUNIT: already in it; a TUNIT not convertible to it is an error). */
function readData(table: BinTableHdu, column: string, unit: string) {
  const read = readIrfData(table, column);
  const factor = columnUnitFactor(table, column, unit);
  if (factor !== 1) for (let i = 0; i < read.data.length; i++) read.data[i] *= factor;
  return read;
}

function build(
  table: BinTableHdu,
  tag: string,
  axisNames: string[],
  columns: string[],
  unit: string,
  options: IrfLoadOptions,
): Irf {
  const axes = requiredAxes(table, axisNames, tag);
  const column = dataColumn(table, columns, tag);
  const { data, shape } = readData(table, column, unit);
  const want = axes.map((a) => a.nbin);
  if (shape.join() !== want.join()) {
    throw new Error(
      `${table.location}: ${tag} data shape (${shape.join(", ")}) does not match its axes (${want.join(", ")})`,
    );
  }
  checkIrfValues(table, column, data, { axes, needsPositive: true }, options);
  return new Irf(tag, axes, data, unit, table.header);
}

/** Effective area (m²) vs true energy and offset. */
export class EffectiveAreaTable2D {
  static fromTable(table: BinTableHdu, options: IrfLoadOptions = {}): Irf {
    return build(table, "aeff_2d", ["energy_true", "offset"], ["EFFAREA", "SPECRESP"], "m2", options);
  }
}

/** Migration probability density vs true energy, migra and offset. */
export class EnergyDispersion2D extends Irf {
  static fromTable(table: BinTableHdu, options: IrfLoadOptions = {}): EnergyDispersion2D {
    const irf = build(table, "edisp_2d", ["energy_true", "migra", "offset"], ["MATRIX"], "", options);
    return new EnergyDispersion2D(irf.tag, irf.axes, irf.data, irf.unit, irf.meta, irf.interp);
  }

  /** gammapy: outside only when both energy and migra, or the offset, are out of range. */
  protected override isOutOfBounds(invalid: boolean[]): boolean {
    return (invalid[0] && invalid[1]) || invalid[2];
  }
}

/** Tabulated PSF (sr⁻¹) vs true energy, offset and rad. */
export class PSF3D {
  static fromTable(table: BinTableHdu, options: IrfLoadOptions = {}): Irf {
    return build(table, "psf_table", ["energy_true", "offset", "rad"], ["RPSF"], "sr-1", options);
  }
}

const BKG_UNIT = "s-1 MeV-1 sr-1";

/**
 * Background rate (s⁻¹ MeV⁻¹ sr⁻¹), interpolated in log. As gammapy does, a table whose
 * transposed cell does not match the axes is used untransposed: for GADF bkg_3d files the
 * numpy index order [E, DETY, DETX] then serves as [energy, fov_lon, fov_lat].
 */
function background(table: BinTableHdu, tag: string, axisNames: string[], options: IrfLoadOptions): Irf {
  const axes = requiredAxes(table, axisNames, tag);
  const column = dataColumn(table, ["BKG", "BGD"], tag);
  let { data, shape } = readData(table, column, BKG_UNIT);
  const want = axes.map((a) => a.nbin);
  if (shape.join() !== want.join()) {
    data = transposeReverse(data, shape);
    shape = [...shape].reverse();
  }
  if (shape.join() !== want.join()) {
    throw new Error(
      `${table.location}: ${tag} data shape (${shape.join(", ")}) does not match its axes (${want.join(", ")})`,
    );
  }
  // a zero background is possible (no events expected), so it needs no positive value
  checkIrfValues(table, column, data, { axes, needsPositive: false }, options);
  return new Irf(tag, axes, data, BKG_UNIT, table.header, { fillValue: 0, valuesScale: "log" });
}

export class Background3D {
  static fromTable(table: BinTableHdu, options: IrfLoadOptions = {}): Irf {
    return background(table, "bkg_3d", ["energy", "fov_lon", "fov_lat"], options);
  }
}

export class Background2D {
  static fromTable(table: BinTableHdu, options: IrfLoadOptions = {}): Irf {
    return background(table, "bkg_2d", ["energy", "offset"], options);
  }
}

/** Load an IRF HDU by its GADF HDU class; its values are checked (see `checkIrfValues`). */
export function loadIrf(table: BinTableHdu, hduClass: string, options: IrfLoadOptions = {}): Irf {
  switch (hduClass.toLowerCase()) {
    case "aeff_2d":
      return EffectiveAreaTable2D.fromTable(table, options);
    case "edisp_2d":
      return EnergyDispersion2D.fromTable(table, options);
    case "psf_table":
      return PSF3D.fromTable(table, options);
    case "bkg_3d":
      return Background3D.fromTable(table, options);
    case "bkg_2d":
      return Background2D.fromTable(table, options);
    default:
      throw new Error(`${table.location}: IRF class '${hduClass}' is not supported yet`);
  }
}
