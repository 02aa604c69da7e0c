"""What gammapy 1.0 reads of DL3 runs in a data-store folder, as JSON (for core/test/dl3-writer.test.ts).

Usage: /usr/bin/python3 scripts/read_dl3_run.py DIR OBS_ID [OBS_ID ...]
Reads DIR with `DataStore.from_dir`, each run with `store.obs` (events, GTI, pointing, live time,
the four IRFs evaluated on a few points) and its events file again with `EventList.read`.
"""
import json
import sys
import warnings

import astropy.units as u
import numpy as np
from gammapy.data import DataStore, EventList

warnings.simplefilter("ignore")  # astropy's stale-IERS notice is not ours to report

ENERGY = [0.5, 1.0, 5.0, 20.0] * u.TeV
OFFSET = [0.2, 1.0, 1.8] * u.deg


def values(quantity, unit):
    return [float(v) for v in np.ravel(quantity.to_value(unit))]


def describe(store, obs_id):
    obs = store.obs(obs_id)
    events = obs.events.table
    gti = obs.gti
    energy, offset = np.meshgrid(ENERGY, OFFSET, indexing="ij")
    location = store.hdu_table.hdu_location(obs_id, "events")
    return {
        "nEvents": len(events),
        "columns": events.colnames,
        "first": {c: float(events[c][0]) for c in ["EVENT_ID", "TIME", "RA", "DEC", "ENERGY"]},
        "last": {c: float(events[c][-1]) for c in ["EVENT_ID", "TIME", "RA", "DEC", "ENERGY"]},
        "eventListReadLength": len(EventList.read(location.path()).table),
        "gtiStart": values(gti.time_start - gti.time_ref, "s"),
        "gtiStop": values(gti.time_stop - gti.time_ref, "s"),
        "timeRefMjd": float(gti.time_ref.mjd),
        "pointing": [float(obs.pointing_radec.ra.deg), float(obs.pointing_radec.dec.deg)],
        "liveTime": float(obs.observation_live_time_duration.to_value("s")),
        "aeff": values(obs.aeff.evaluate(energy_true=energy, offset=offset), "m2"),
        "edisp": values(obs.edisp.evaluate(energy_true=energy, migra=1.1, offset=offset), ""),
        "psf": values(obs.psf.evaluate(energy_true=energy, offset=offset, rad=0.05 * u.deg), "sr-1"),
        "bkg": values(obs.bkg.evaluate(energy=energy, fov_lon=offset, fov_lat=0.3 * u.deg), "s-1 MeV-1 sr-1"),
    }


folder, ids = sys.argv[1], [int(a) for a in sys.argv[2:]]
store = DataStore.from_dir(folder)
print(json.dumps({
    "obsIds": [int(i) for i in store.obs_table["OBS_ID"]],
    "hduRows": len(store.hdu_table),
    "runs": {str(i): describe(store, i) for i in ids},
}))
