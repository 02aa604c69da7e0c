import type { FitsFile } from "../fits/index.js";
import type { Irf } from "./irf.js";
import { loadParametricPsf, type Psf } from "./psf.js";
import { loadIrf } from "./tables.js";
import type { IrfLoadOptions } from "./validate.js";

/** The IRF components of one file by type (gammapy's `irfs` dict). */
export interface IrfDict {
  aeff?: Irf;
  edisp?: Irf;
  psf?: Psf;
  bkg?: Irf;
}

const IRF_TYPES = ["aeff", "edisp", "psf", "bkg"] as const;

/**
 * The IRFs stored in one FITS file, e.g. a CTA caldb `irf_file.fits` or a H.E.S.S. run file
 * (gammapy 1.0's `load_irf_dict_from_file`): every HDU with HDUCLAS1 = RESPONSE is loaded by
 * its HDUCLAS4 (aeff_2d, edisp_2d, psf_table, psf_3gauss, psf_king, bkg_3d, bkg_2d); the first
 * of each type counts; EVENTS and GTI are ignored. Point-like IRFs are refused. Files that give
 * only the dimension in HDUCLAS4 and the kind in HDUCLAS2 (CTA 1DC's caldb: EFF_AREA + 2D, RPSF
 * + 3GAUSS; what gammapy's `load_cta_irfs` reads by HDU name) are read too.
 */
export function loadIrfDict(file: FitsFile, options: IrfLoadOptions = {}): IrfDict {
  const irfs: IrfDict = {};
  for (const hdu of file.hdus) {
    const header = hdu.header;
    if (String(header.get("HDUCLAS1") ?? "").toLowerCase() !== "response") continue;
    const hduClass = responseClass(String(header.get("HDUCLAS2") ?? ""), String(header.get("HDUCLAS4") ?? ""));
    const type = IRF_TYPES.find((t) => hduClass.includes(t));
    const where = `${file.fileName ?? "IRF file"}, HDU ${hdu.name}`;
    if (!type) continue;
    if (String(header.get("HDUCLAS3") ?? "").toUpperCase() === "POINT-LIKE")
      throw new Error(`${where}: point-like IRFs (HDUCLAS3 = POINT-LIKE) cannot make 3D map datasets`);
    if (irfs[type]) continue;
    try {
      const table = file.table(hdu.name);
      if (type === "psf") irfs.psf = loadParametricPsf(table, hduClass, options) ?? loadIrf(table, hduClass, options);
      else irfs[type] = loadIrf(table, hduClass, options);
    } catch (error) {
      throw new Error(`${where} (${hduClass}): ${(error as Error).message}`);
    }
  }
  if (!Object.keys(irfs).length) throw new Error(`${file.fileName ?? "IRF file"}: no IRF HDU (HDUCLAS1 = RESPONSE)`);
  return irfs;
}

/** The GADF class of a response HDU (lower case): HDUCLAS4, or HDUCLAS2 + HDUCLAS4 where HDUCLAS4 is a dimension. */
function responseClass(clas2: string, clas4: string): string {
  const c4 = clas4.trim().toLowerCase();
  if (IRF_TYPES.some((t) => c4.includes(t))) return c4;
  const kind = { eff_area: "aeff", edisp: "edisp", rpsf: "psf", bkg: "bkg" }[clas2.trim().toLowerCase()];
  if (!kind) return c4;
  if (kind === "psf") return c4 === "3gauss" ? "psf_3gauss" : c4 === "king" ? "psf_king" : "psf_table";
  return `${kind}_${c4}`;
}
