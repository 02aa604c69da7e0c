import type { EventListMeta } from "./events-table.js";
import type { Observation } from "./observation.js";

/**
 * The event-list metadata an observation gives (id, GTI, pointing, dead time, telescope and
 * instrument of its IRFs, target, alt/az and telescopes when known), for writing a run of it:
 * a sampler adds the models and the sampled ranges.
 */
export function runMetaFromObservation(obs: Observation): EventListMeta {
  const irfHeader = obs.hduTypes.includes("aeff") ? obs.hdu("aeff").header : undefined;
  const fromIrf = (key: string) => irfHeader?.str(key)?.trim() ?? obs.infoText(key) ?? "";
  const name = obs.infoText("OBJECT");
  const target = obs.targetRadec;
  const alt = obs.info("ALT_PNT");
  const az = obs.info("AZ_PNT");
  return {
    obsId: obs.obsId,
    gti: obs.gti,
    pointing: { ra: obs.pointingRadec.lon, dec: obs.pointingRadec.lat },
    deadc: obs.deadc,
    telescope: fromIrf("TELESCOP"),
    instrument: fromIrf("INSTRUME"),
    object: name !== undefined && target ? { name, ra: target.lon, dec: target.lat } : undefined,
    altAz: alt !== undefined && az !== undefined ? { alt, az } : undefined,
    nTels: obs.info("N_TELS"),
  };
}
