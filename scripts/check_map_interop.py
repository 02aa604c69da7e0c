"""Check that gammapy 1.0 reads the maps gammaflow writes, with identical data and geometry.

Usage: /usr/bin/python3 scripts/check_map_interop.py DIR
DIR holds maps written by `node scripts/write-interop-maps.mjs DIR` and their
expected.json (the same format as core/test/fixtures/maps/expected.json).
Exits non-zero on any difference.
"""
import json
import sys
from pathlib import Path

import numpy as np
from gammapy.maps import Map

folder = Path(sys.argv[1])
failures = 0
for case in json.loads((folder / "expected.json").read_text()):
    m = Map.read(folder / case["file"], hdu=case["hdu"])
    problems = []
    if list(m.data.shape) != case["dataShape"]:
        problems.append(f"shape {m.data.shape} != {case['dataShape']}")
    else:
        data = np.asarray(m.data, dtype=float).ravel()
        if not np.array_equal(data, np.asarray(case["data"], dtype=float)):
            problems.append(f"data differ in {int(np.sum(data != case['data']))} bins")
    w = m.geom.wcs.wcs
    for key in ["crval", "crpix", "cdelt"]:
        if not np.allclose(getattr(w, key), case["wcs"][key], rtol=0, atol=1e-12):
            problems.append(f"{key} {list(getattr(w, key))} != {case['wcs'][key]}")
    if list(w.ctype) != case["wcs"]["ctype"]:
        problems.append(f"ctype {list(w.ctype)} != {case['wcs']['ctype']}")
    if len(m.geom.axes) != len(case["axes"]):
        problems.append(f"{len(m.geom.axes)} axes != {len(case['axes'])}")
    for axis, want in zip(m.geom.axes, case["axes"]):
        if axis.name != want["name"] or axis.node_type != want["nodeType"] or axis.interp != want["interp"]:
            problems.append(f"axis {axis.name}/{axis.node_type}/{axis.interp} != "
                            f"{want['name']}/{want['nodeType']}/{want['interp']}")
        if str(axis.unit) != want["unit"]:
            problems.append(f"axis {axis.name} unit '{axis.unit}' != '{want['unit']}'")
        if not np.allclose(axis.edges.value, want["edges"], rtol=1e-12, atol=0):
            problems.append(f"axis {axis.name} edges differ")
    if str(m.unit) != case["unit"] and not (
        m.unit.is_equivalent(case["unit"] or "") and m.unit.to(case["unit"] or "") == 1
    ):
        problems.append(f"unit '{m.unit}' != '{case['unit']}'")
    status = "OK  " if not problems else "FAIL"
    failures += bool(problems)
    print(f"{status} {case['name']:<20} {case['file']:<28} shape={tuple(m.data.shape)} "
          f"frame={m.geom.frame} proj={m.geom.projection} axes={[a.name for a in m.geom.axes]} "
          f"sum={np.nansum(np.asarray(m.data, dtype=float)):.6g}"
          + ("" if not problems else "  " + "; ".join(problems)))
sys.exit(1 if failures else 0)
