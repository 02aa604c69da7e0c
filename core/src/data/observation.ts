import { SkyCoord } from "../coords/index.js";
import type { BinTableHdu, FitsFile, FitsHdu, Header } from "../fits/index.js";
import { loadIrf, loadParametricPsf, type Irf, type IrfLoadOptions, type Psf } from "../irf/index.js";
import { EventList } from "./event-list.js";
import { checkIntervals, GTI } from "./gti.js";
import type { HduLocation } from "./hdu-index.js";
import type { ObsTable } from "./obs-table.js";

/** Resolves an HDU location of this observation to an opened FITS file. */
export type HduOpener = (location: HduLocation) => { file: FitsFile; path: string };

/** Reads the header of an HDU location without its data where it can. */
export type HeaderOpener = (location: HduLocation) => { header: Header; path: string };

/**
 * One observation of a data store (gammapy's DataStoreObservation): metadata from the obs
 * index, events and GTI read lazily from their HDUs. An HDU that cannot be read is an error
 * naming the observation, its file and HDU; what is read but doubtful (e.g. NaN cells of an
 * IRF) is kept in `loadWarnings`, for the makers to report.
 */
export class Observation {
  private eventsCache?: EventList;
  private irfCache = new Map<string, Psf>();
  private gtiCache?: GTI;
  /** The headers known so far by HDU type: read with their HDUs, alone, or given (addHeaders). */
  private readonly headers = new Map<string, Header>();
  /** Warnings from reading this observation's HDUs so far, each naming the observation and file. */
  readonly loadWarnings: string[] = [];

  constructor(
    readonly obsId: number,
    private readonly obsTable: Pick<ObsTable, "value" | "text" | "timeRef">,
    private readonly locations: Map<string, HduLocation>,
    private readonly open: HduOpener,
    /** The file path of a location without opening it (for messages); default: none known. */
    private readonly pathOf?: (location: HduLocation) => string,
    /** Headers without their data (default: the HDU's file opened through `open`). */
    private readonly openHeader?: HeaderOpener,
  ) {}

  /** "observation 23523 (…/run.fits.gz)": the observation and its events file (else first file), for messages. */
  get label(): string {
    const location = this.locations.get("events") ?? this.locations.values().next().value;
    const path = location && this.pathFor(location);
    return path ? `observation ${this.obsId} (${path})` : `observation ${this.obsId}`;
  }

  /**
   * Observation metadata as gammapy 1.0 builds it: the obs-index row, overridden by the
   * events header (keys not starting with HDU). So DEADC and RA_PNT/DEC_PNT come from the
   * events header (full precision) when it has them, else from the obs index (float32 in
   * H.E.S.S. DR1).
   */
  info(key: string): number | undefined {
    if (this.locations.has("events") && !key.toUpperCase().startsWith("HDU")) {
      const value = this.header("events").get(key);
      if (typeof value === "number") return value;
      if (typeof value === "bigint") return Number(value);
    }
    return this.obsTable.value(this.obsId, key);
  }

  /** A text value of the metadata (events header, else obs index), trimmed; undefined when absent. */
  infoText(key: string): string | undefined {
    if (this.locations.has("events")) {
      const value = this.header("events").get(key);
      if (typeof value === "string") return value.trim();
    }
    return this.obsTable.text(this.obsId, key);
  }

  /** Pointing position (ICRS). */
  get pointingRadec(): SkyCoord {
    const ra = this.info("RA_PNT");
    const dec = this.info("DEC_PNT");
    if (ra === undefined || dec === undefined)
      throw new Error(`${this.label}: no RA_PNT/DEC_PNT in the events header or obs index`);
    if (!Number.isFinite(ra) || !(Math.abs(dec) <= 90))
      throw new Error(
        `${this.label}: invalid pointing RA_PNT = ${ra}, DEC_PNT = ${dec} deg (${this.infoSource("RA_PNT")})`,
      );
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

  /** DEADC (1 when absent); outside (0, 1] it is an error, as the live time would be. */
  get deadc(): number {
    const deadc = this.info("DEADC") ?? 1;
    if (!(deadc > 0 && deadc <= 1))
      throw new Error(`${this.label}: DEADC = ${deadc} is not in (0, 1] (${this.infoSource("DEADC")})`);
    return deadc;
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

  /**
   * The header of an HDU, without reading its data where the files allow (the events header for
   * the pointing, not the events): once read it is kept, and headers read elsewhere can be given
   * (`addHeaders`: a worker's, of the same files).
   */
  header(hduType: string): Header {
    let header = this.headers.get(hduType);
    if (!header) {
      header = this.reading(hduType, (location, at) => {
        if (this.openHeader) {
          const read = this.openHeader(location);
          at(read.path);
          return read.header;
        }
        const opened = this.open(location);
        at(opened.path);
        return opened.file.hdu(location.hduName).header;
      });
      this.headers.set(hduType, header);
    }
    return header;
  }

  /** The headers known so far, by HDU type (for `addHeaders` of the same observation elsewhere). */
  knownHeaders(): ReadonlyMap<string, Header> {
    return this.headers;
  }

  /** Headers of this observation's HDUs read elsewhere (a worker's reading of the same files). */
  addHeaders(headers: Iterable<readonly [string, Header]>): void {
    for (const [hduType, header] of headers) if (!this.headers.has(hduType)) this.headers.set(hduType, header);
  }

  get events(): EventList {
    this.eventsCache ??= this.load("events", (table) => new EventList(table));
    return this.eventsCache;
  }

  /** GTI from its HDU, or [TSTART, TSTOP] of the obs index when the index lists none. */
  get gti(): GTI {
    if (!this.gtiCache) {
      if (this.locations.has("gti")) {
        this.gtiCache = this.load("gti", (table) => GTI.fromTable(table));
      } else {
        const start = this.obsTable.value(this.obsId, "TSTART");
        const stop = this.obsTable.value(this.obsId, "TSTOP");
        if (start === undefined || stop === undefined)
          throw new Error(`${this.label}: no GTI HDU and no TSTART/TSTOP in the obs index`);
        checkIntervals([start], [stop], () => `${this.label}: obs index TSTART/TSTOP`);
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
    let psf = this.irfCache.get("psf");
    if (!psf) {
      const hduClass = this.location("psf")?.hduClass ?? "psf_table";
      psf = this.load("psf", (table) => {
        const options = this.irfLoadOptions("psf");
        return loadParametricPsf(table, hduClass, options) ?? loadIrf(table, hduClass, options);
      });
      this.irfCache.set("psf", psf);
    }
    return psf;
  }

  /** Background model (bkg_3d or bkg_2d). */
  get bkg(): Irf {
    return this.irf("bkg");
  }

  private irf(hduType: "aeff" | "edisp" | "bkg"): Irf {
    let irf = this.irfCache.get(hduType) as Irf | undefined;
    if (!irf) {
      const hduClass = this.location(hduType)?.hduClass ?? "";
      irf = this.load(hduType, (table) => loadIrf(table, hduClass, this.irfLoadOptions(hduType)));
      this.irfCache.set(hduType, irf);
    }
    return irf;
  }

  private irfLoadOptions(hduType: string): IrfLoadOptions {
    return { warn: (message) => this.loadWarnings.push(`observation ${this.obsId} ${hduType}: ${message}`) };
  }

  /** Read an HDU of this observation as a table (its header kept); errors as `reading` says. */
  private load<T>(hduType: string, read: (table: BinTableHdu) => T): T {
    return this.reading(hduType, (location, at) => {
      const opened = this.open(location);
      at(opened.path);
      const table = opened.file.table(location.hduName);
      this.headers.set(hduType, table.header);
      return read(table);
    });
  }

  /**
   * `body` on an HDU's location: any error names the observation, HDU type, file and HDU
   * (messages that already name the file keep theirs), with the original as its cause. `at`
   * tells the file opened, for the message.
   */
  private reading<T>(hduType: string, body: (location: HduLocation, at: (path: string) => void) => T): T {
    const location = this.requireLocation(hduType);
    let path = this.pathFor(location);
    try {
      return body(location, (opened) => (path = opened));
    } catch (error) {
      const message = (error as Error).message;
      if (message.startsWith(`observation ${this.obsId}`)) throw error;
      const file = path ? `${path}, ` : "";
      const where = path && message.includes(path) ? "" : ` (${file}HDU ${location.hduName})`;
      throw new Error(`observation ${this.obsId} ${hduType}${where}: ${message}`, { cause: error });
    }
  }

  /** Where a metadata value comes from: the events header or the obs index (see `info`). */
  private infoSource(key: string): string {
    const location = this.locations.get("events");
    if (location && this.header("events").has(key)) {
      return `events header, ${this.pathFor(location) ?? "events file"}[${location.hduName}]`;
    }
    return `obs index column ${key}`;
  }

  /** The file of a location for messages; undefined when unknown or refused (opening it then says why). */
  private pathFor(location: HduLocation): string | undefined {
    try {
      return this.pathOf?.(location);
    } catch {
      return undefined;
    }
  }

  private openHdu(hduType: string): { file: FitsFile; path: string } {
    return this.open(this.requireLocation(hduType));
  }

  private requireLocation(hduType: string): HduLocation {
    const location = this.locations.get(hduType);
    if (!location) {
      throw new Error(
        `observation ${this.obsId}: the HDU index lists no '${hduType}' HDU ` +
          `(has: ${this.hduTypes.join(", ") || "none"})`,
      );
    }
    return location;
  }
}
