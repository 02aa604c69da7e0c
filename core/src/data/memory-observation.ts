import type { SkyCoord } from "../coords/index.js";
import { Header } from "../fits/index.js";
import type { Irf, Psf } from "../irf/index.js";
import type { EventList } from "./event-list.js";
import { DEFAULT_TIME_REF, GTI, type TimeRef } from "./gti.js";
import { Observation } from "./observation.js";

/** The IRFs of an observation (gammapy's `irfs` dict: what `loadIrfDict` reads from a caldb file). */
export interface ObservationIrfs {
  aeff?: Irf;
  edisp?: Irf;
  psf?: Psf;
  bkg?: Irf;
}

export interface ObservationCreateOptions {
  pointing: SkyCoord;
  irfs: ObservationIrfs;
  /** Observation time (s) from `tstart` on (gammapy's `livetime`: the GTI, before dead time). */
  livetime: number;
  obsId?: number;
  /** Start (s after `referenceTime`; default 0). */
  tstart?: number;
  /** Dead-time fraction (default 0). */
  deadtimeFraction?: number;
  /** GTI reference (default 2000-01-01 00:00 UTC, gammapy's). */
  referenceTime?: TimeRef;
  /** Events, when the observation has any (a simulated run). */
  events?: EventList;
}

/**
 * An observation made in memory from IRFs and a pointing (gammapy 1.0's `Observation.create`,
 * a `MemoryObservation`): what simulations reduce, and what the event sampler samples. The
 * makers read it as they read a data store's.
 */
export class MemoryObservation extends Observation {
  private readonly options: ObservationCreateOptions;
  private readonly gtiOfRun: GTI;

  constructor(options: ObservationCreateOptions) {
    const obsId = options.obsId ?? 0;
    const { livetime } = options;
    if (!(livetime > 0) || !Number.isFinite(livetime))
      throw new Error(`Observation.create: livetime must be a positive number of seconds, got ${livetime}`);
    const deadtime = options.deadtimeFraction ?? 0;
    if (!(deadtime >= 0 && deadtime < 1))
      throw new Error(`Observation.create: the dead-time fraction must be in [0, 1), got ${deadtime}`);
    const reference = options.referenceTime ?? DEFAULT_TIME_REF;
    // no obs index: `info` answers from the options
    super(obsId, { value: () => undefined, text: () => undefined, timeRef: reference }, new Map(), () => {
      throw new Error(`observation ${obsId}: made in memory, it has no files`);
    });
    const tstart = options.tstart ?? 0;
    this.options = options;
    this.gtiOfRun = GTI.create([tstart], [tstart + livetime], reference);
  }

  override info(key: string): number | undefined {
    return key.toUpperCase() === "OBS_ID" ? this.obsId : this.infoOf(key);
  }

  override get hduTypes(): string[] {
    const irfs = Object.entries(this.options.irfs).flatMap(([name, irf]) => (irf ? [name] : []));
    return this.options.events ? ["events", "gti", ...irfs] : ["gti", ...irfs];
  }

  override get gti(): GTI {
    return this.gtiOfRun;
  }

  override get events(): EventList {
    if (!this.options.events) throw new Error(`observation ${this.obsId}: made in memory without events`);
    return this.options.events;
  }

  /** The events' header, or an IRF's as it was read (empty when made without one); no files to read. */
  override header(hduType: string): Header {
    if (hduType === "events") return this.events.header;
    if (hduType === "aeff" || hduType === "edisp" || hduType === "psf" || hduType === "bkg")
      return this.irfOf(hduType).meta ?? new Header();
    throw new Error(`observation ${this.obsId}: made in memory, it has no '${hduType}' header`);
  }

  override get aeff(): Irf {
    return this.irfOf("aeff");
  }

  override get edisp(): Irf {
    return this.irfOf("edisp");
  }

  override get psf(): Psf {
    return this.irfOf("psf");
  }

  override get bkg(): Irf {
    return this.irfOf("bkg");
  }

  private infoOf(key: string): number | undefined {
    const k = key.toUpperCase();
    if (k === "RA_PNT") return this.options.pointing.transformTo("icrs").lon;
    if (k === "DEC_PNT") return this.options.pointing.transformTo("icrs").lat;
    if (k === "DEADC") return 1 - (this.options.deadtimeFraction ?? 0);
    if (k === "TSTART") return this.gtiOfRun.start[0];
    if (k === "TSTOP") return this.gtiOfRun.stop[0];
    if (k === "ONTIME") return this.options.livetime;
    if (k === "LIVETIME") return this.options.livetime * (1 - (this.options.deadtimeFraction ?? 0));
    return undefined;
  }

  private irfOf<K extends keyof ObservationIrfs>(name: K): NonNullable<ObservationIrfs[K]> {
    const irf = this.options.irfs[name];
    if (!irf) throw new Error(`observation ${this.obsId}: made in memory without '${name}'`);
    return irf as NonNullable<ObservationIrfs[K]>;
  }
}
