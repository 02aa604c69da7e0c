import type { BinTableHdu } from "../fits/index.js";

export type HduType = "events" | "gti" | "aeff" | "edisp" | "psf" | "bkg" | "rad_max";

/** Where one HDU of an observation lives (a row of the HDU index). */
export interface HduLocation {
  obsId: number;
  hduType: string;
  hduClass: string;
  fileDir: string;
  fileName: string;
  hduName: string;
}

/** The HDU index table: locations by (obs id, HDU type). */
export class HduIndex {
  private readonly byObs = new Map<number, HduLocation[]>();

  constructor(readonly rows: HduLocation[]) {
    for (const row of rows) {
      const list = this.byObs.get(row.obsId) ?? [];
      list.push(row);
      this.byObs.set(row.obsId, list);
    }
  }

  static fromTable(table: BinTableHdu): HduIndex {
    const ids = table.columnAsFloat64("OBS_ID");
    const text = (name: string) => table.column(name) as string[];
    const [type, cls, dir, file, hdu] = ["HDU_TYPE", "HDU_CLASS", "FILE_DIR", "FILE_NAME", "HDU_NAME"].map(text);
    const rows: HduLocation[] = [];
    for (let i = 0; i < table.nrows; i++) {
      rows.push({
        obsId: ids[i],
        hduType: type[i].trim().toLowerCase(),
        hduClass: cls[i].trim().toLowerCase(),
        fileDir: dir[i].trim(),
        fileName: file[i].trim(),
        hduName: hdu[i].trim(),
      });
    }
    return new HduIndex(rows);
  }

  has(obsId: number): boolean {
    return this.byObs.has(obsId);
  }

  /** The first location of an HDU type for an observation, or undefined. */
  location(obsId: number, hduType: string): HduLocation | undefined {
    return this.byObs.get(obsId)?.find((r) => r.hduType === hduType.toLowerCase());
  }

  hduTypes(obsId: number): string[] {
    return (this.byObs.get(obsId) ?? []).map((r) => r.hduType);
  }
}
