#!/bin/sh
# Run every chain of test/chains/chains.json with gammapy 1.0 and with gammaflow, compare the
# stacked datasets HDU by HDU (../shared/tools/compare-datasets.py) and check that gammapy reads
# our file with the same totals. Needs Debian's python3-gammapy; run from the repository root
# after `npm run build`.   usage: scripts/compare-chains.sh [OUTDIR]
set -e
out=${1:-/tmp/gammaflow-chains}
mkdir -p "$out"
/usr/bin/python3 scripts/fixtures/chains.py "$out" > "$out/gammapy.log" 2>&1
for name in $(node -e 'console.log(Object.keys(require("./test/chains/chains.json")).join(" "))'); do
  echo "== $name"
  node test/dist/src/write-chain.js "$name" "$out/ours-$name.fits.gz"
  /usr/bin/python3 ../shared/tools/compare-datasets.py "$out/ours-$name.fits.gz" "$out/gammapy-$name.fits.gz" || true
  /usr/bin/python3 -c "
import sys, warnings; warnings.filterwarnings('ignore')
from gammapy.datasets import MapDataset
ours, ref = (MapDataset.read(p) for p in sys.argv[1:])
for k in ('counts', 'background', 'npred_background', 'exposure_min', 'exposure_max'):
    a, b = ours.info_dict()[k], ref.info_dict()[k]
    print(f'  gammapy reads ours: {k:18} {a} (gammapy {b})')
" "$out/ours-$name.fits.gz" "$out/gammapy-$name.fits.gz"
done
