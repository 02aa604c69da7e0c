"""Write the index files of the bundled H.E.S.S. DL3 DR1 subset (the 4 Crab runs).

Run with Debian's python (astropy): /usr/bin/python3 scripts/make_bundled_data.py
It reads the full data release from $GAMMAPY_DATA (default ../shared/gammapy-data)
and keeps only the rows of the bundled runs, unchanged otherwise.
"""
import os
import shutil
from pathlib import Path

import numpy as np
from astropy.io import fits

OBS_IDS = [23523, 23526, 23559, 23592]
repo = Path(__file__).resolve().parent.parent
src = Path(os.environ.get("GAMMAPY_DATA", repo.parent / "shared" / "gammapy-data")) / "hess-dl3-dr1"
dst = repo / "data" / "hess-dl3-dr1"
(dst / "data").mkdir(parents=True, exist_ok=True)

for name in ["hdu-index.fits.gz", "obs-index.fits.gz"]:
    with fits.open(src / name) as hdul:
        table = hdul[1]
        keep = np.isin(table.data["OBS_ID"], OBS_IDS)
        out = fits.BinTableHDU(data=table.data[keep], header=table.header, name=table.name)
        fits.HDUList([fits.PrimaryHDU(header=hdul[0].header), out]).writeto(dst / name, overwrite=True)
        print(name, int(keep.sum()), "rows")

for obs_id in OBS_IDS:
    fname = f"hess_dl3_dr1_obs_id_{obs_id:06d}.fits.gz"
    shutil.copyfile(src / "data" / fname, dst / "data" / fname)
for name in ["README.md", "README.txt"]:
    shutil.copyfile(src / name, dst / name)
