// Read one H.E.S.S. run (.fits.gz: events, GTI and every IRF HDU, all columns decoded):
// gammaflow's FITS reader vs astropy.io.fits on the same file, best of several runs.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BinTableHdu, ImageHdu } from "@gammaflow/core";
import { readFits } from "@gammaflow/core/node";
import { bestOf, pythonBestMs, report } from "./common.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const file = path.join(here, "..", "data", "hess-dl3-dr1", "data", "hess_dl3_dr1_obs_id_023523.fits.gz");

let values = 0;
const ours = await bestOf(10, () => {
  values = 0;
  for (const hdu of readFits(file).hdus) {
    if (hdu instanceof BinTableHdu) for (const c of hdu.columns) values += hdu.column(c.name).length;
    else if (hdu instanceof ImageHdu && hdu.shape.length) values += hdu.data().length;
  }
});

const reference = pythonBestMs(`
import time
import numpy as np
from astropy.io import fits
best = 1e99
for i in range(10):
    t0 = time.perf_counter()
    with fits.open(${JSON.stringify(file)}) as f:
        for hdu in f:
            if isinstance(hdu, fits.BinTableHDU):
                for name in hdu.columns.names:
                    np.asarray(hdu.data[name]).sum()
            elif hdu.data is not None:
                hdu.data.sum()
    best = min(best, time.perf_counter() - t0)
print(best * 1e3)
`);
report(`read HESS run 23523 (.fits.gz, ${values} values)`, ours, reference, "astropy 5.2");
