import { SkyCoord } from "../coords/index.js";
import type { FitsFile, FitsHdu } from "../fits/index.js";
import { loadIrf, loadParametricPsf, type Irf, type Psf } from "../irf/index.js";
import { EventList } from "./event-list.js";
import { GTI } from "./gti.js";
import type { HduLocation } from "./hdu-index.js";
import type { ObsTable } from "./obs-table.js";

/** Resolves an HDU location of this observation to an opened FITS file. */
export type HduOpener = (location: HduLocation) => { file: FitsFile; path: string };

/**
 * One observation of a data store (gammapy's DataStoreObservation): metadata from the obs
 * index, events and GTI read lazily from their HDUs.
 */
export class Observation {
  private eventsCache?: EventList;
  private irfCache = new Map<string, Irf>();
  private gtiCache?: GTI;

  constructor(
    readonly obsId: number,
    private readonly obsTable: Pick<ObsTable, "value" | "text" | "timeRef">,
    private readonly locations: Map<string, HduLocation>,
    private readonly open: HduOpener,
  ) {}

  /**
   * Observation metadata as gammapy 1.0 builds it: the obs-index row, overridden by the
   * events header (keys not starting with HDU). So DEADC and RA_PNT/DEC_PNT come from the
   * events header (full precision) when it has them, else from the obs index (float32 in
   * H.E.S.S. DR1).
   */
  info(key: string): number | undefined {
    if (this.locations.has("events") && !key.toUpperCase().startsWith("HDU")) {
      const value = this.events.header.get(key);
      if (typeof value === "number") return value;
      if (typeof value === "bigint") return Number(value);
    }
    return this.obsTable.value(this.obsId, key);
  }

  /** A text value of the metadata (events header, else obs index), trimmed; undefined when absent. */
  infoText(key: string): string | undefined {
    if (this.locations.has("events")) {
      const value = this.events.header.get(key);
      if (typeof value === "string") return value.trim();
    }
    return this.obsTable.text(this.obsId, key);
  }

  /** Pointing position (ICRS). */
  get pointingRadec(): SkyCoord {
    const ra = this.info("RA_PNT");
    const dec = this.info("DEC_PNT");
    if (ra === undefined || dec === undefined)
      throw new Error(`observation ${this.obsId}: no RA_PNT/DEC_PNT in the events header or obs index`);
    return new SkyCoord(ra, dec, "icrs");
  }

  /** Pointing altitude/azimuth (deg) of the obs index, when present. */
  get pointingAltaz(): { alt: number; az: number } | undefined {
    const alt = this.obsTable.value(this.obsId, "ALT_PNT");
    const az = this.obsTable.value(this.obsId, "AZ_PNT");
    return alt === undefined || az === undefined ? undefined : { alt, az };
  }

  get targetRadec(): SkyCoord | undefined {
    const ra = this.info("RA_OBJ");
    const dec = this.info("DEC_OBJ");
    return ra === undefined || dec === undefined ? undefined : new SkyCoord(ra, dec, "icrs");
  }

  /** DEADC (1 when absent). */
  get deadc(): number {
    return this.info("DEADC") ?? 1;
  }

  get observationDeadTimeFraction(): number {
    return 1 - this.deadc;
  }

  /** Sum of the GTI durations (s), not ONTIME. */
  get observationTimeDuration(): number {
    return this.gti.timeSum;
  }

  /** GTI sum × (1 − dead-time fraction) (s), computed as gammapy does. */
  get observationLiveTimeDuration(): number {
    return this.gti.timeSum * (1 - this.observationDeadTimeFraction);
  }

  /** Which HDU types the index lists for this observation. */
  get hduTypes(): string[] {
    return [...this.locations.keys()];
  }

  location(hduType: string): HduLocation | undefined {
    return this.locations.get(hduType);
  }

  /** The HDU of an HDU type as stored (e.g. to copy an IRF into another file). */
  hdu(hduType: string): FitsHdu {
    return this.openHdu(hduType).file.hdu(this.location(hduType)!.hduName);
  }

  get events(): EventList {
    this.eventsCache ??= new EventList(this.openHdu("events").file.table(this.location("events")!.hduName));
    return this.eventsCache;
  }

  /** GTI from its HDU, or [TSTART, TSTOP] of the obs index when the index lists none. */
  get gti(): GTI {
    if (!this.gtiCache) {
      if (this.locations.has("gti")) {
        this.gtiCache = GTI.fromTable(this.openHdu("gti").file.table(this.location("gti")!.hduName));
      } else {
        const start = this.obsTable.value(this.obsId, "TSTART");
        const stop = this.obsTable.value(this.obsId, "TSTOP");
        if (start === undefined || stop === undefined)
          throw new Error(`observation ${this.obsId}: no GTI HDU and no TSTART/TSTOP in the obs index`);
        this.gtiCache = new GTI(Float64Array.of(start), Float64Array.of(stop), this.obsTable.timeRef);
      }
    }
    return this.gtiCache;
  }

  /** Effective area (aeff_2d). */
  get aeff(): Irf {
    return this.irf("aeff");
  }

  /** Energy dispersion (edisp_2d). */
  get edisp(): Irf {
    return this.irf("edisp");
  }

  /** Point spread function: a table (psf_table) or parametric (psf_3gauss, psf_king). */
  get psf(): Psf {
    const location = this.location("psf");
    if (location && location.hduClass !== "psf_table") {
      const psf = loadParametricPsf(this.openHdu("psf").file.table(location.hduName), location.hduClass);
      if (psf) return psf;
    }
    return this.irf("psf");
  }

  /** Background model (bkg_3d or bkg_2d). */
  get bkg(): Irf {
    return this.irf("bkg");
  }

  private irf(hduType: string): Irf {
    let irf = this.irfCache.get(hduType);
    if (!irf) {
      const { file } = this.openHdu(hduType);
      const location = this.location(hduType)!;
      try {
        irf = loadIrf(file.table(location.hduName), location.hduClass);
      } catch (error) {
        throw new Error(`observation ${this.obsId} ${hduType}: ${(error as Error).message}`);
      }
      this.irfCache.set(hduType, irf);
    }
    return irf;
  }

  private openHdu(hduType: string): { file: FitsFile; path: string } {
    const location = this.locations.get(hduType);
    if (!location) {
      throw new Error(
        `observation ${this.obsId}: the HDU index lists no '${hduType}' HDU ` +
          `(has: ${this.hduTypes.join(", ") || "none"})`,
      );
    }
    return this.open(location);
  }
}
