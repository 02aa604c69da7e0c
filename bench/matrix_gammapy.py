"""gammapy 1.0's side of bench/matrix.mjs: the chain a gammaflow graph declares, with gammapy's classes.

Usage: python3 matrix_gammapy.py GRAPH.json OUT_DIR. Reads the graph's inputs (geometry, dataset options, data
store) and the params of its nodes (datastore-source, cutout, map-dataset-maker, safe-mask, to-image,
ring-background, stacker, summary, dataset-writer, excess-map, png-preview) and runs them as a gammapy user
would write the loop: reduce each run, stack, then print, write, estimate and plot the stack.
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
import astropy.units as u  # noqa: E402
from astropy.coordinates import SkyCoord  # noqa: E402
from regions import CircleSkyRegion  # noqa: E402
from gammapy.data import DataStore  # noqa: E402
from gammapy.datasets import MapDataset, MapDatasetOnOff  # noqa: E402
from gammapy.makers import MapDatasetMaker, RingBackgroundMaker, SafeMaskMaker  # noqa: E402
from gammapy.maps import MapAxis, WcsGeom  # noqa: E402

graph_file, out_dir = sys.argv[1], sys.argv[2]
graph = json.load(open(graph_file))
base = os.path.dirname(os.path.abspath(graph_file))
inputs = graph["inputs"]
params = {n["plugin"]: n.get("params", {}) for n in graph["nodes"]}


def axis(spec, name=None):
    lo, hi = (u.Quantity(spec[k]) for k in ("lo", "hi"))
    name = name or spec["name"]
    return MapAxis.from_bounds(lo.value, hi.to(lo.unit).value, nbin=spec["nbin"], unit=lo.unit, name=name,
                               interp=spec.get("interp", "lin"))


g = inputs["geom"]
width = g["width"]
width = tuple(u.Quantity(w).to_value("deg") for w in width) if isinstance(width, list) else u.Quantity(width)
geom = WcsGeom.create(skydir=tuple(g["skydir"]), frame=g.get("frame", "icrs"), width=width,
                      binsz=u.Quantity(g["binsz"]).to_value("deg"), proj=g.get("proj", "CAR"),
                      axes=[axis(a, "energy") for a in g["axes"]])
d = inputs.get("dataset", {})
options = {}
if "energyAxisTrue" in d:
    options["energy_axis_true"] = axis(d["energyAxisTrue"], "energy_true")
if "binszIrf" in d:
    options["binsz_irf"] = u.Quantity(d["binszIrf"]).to_value("deg")

source = params["datastore-source"]
store = DataStore.from_dir(os.path.join(base, source.get("dataStore", inputs["dataStore"])))
ids = source.get("obsIds") or [int(i) for i, o in zip(store.obs_table["OBS_ID"], store.obs_table["OBJECT"])
                                if str(o).strip() == source["target"]]
reference = MapDataset.create(geom, **options)
maker = MapDatasetMaker(selection=params["map-dataset-maker"].get("selection"))
s = params.get("safe-mask")
safe = s is not None and SafeMaskMaker(methods=s.get("methods", ["aeff-default"]),
                                       offset_max=s.get("offsetMax", "3 deg"), aeff_percent=s.get("aeffPercent", 10),
                                       bias_percent=s.get("biasPercent", 10))
ring = None
if "ring-background" in params:
    r = params["ring-background"]
    centers = [c["center"] for c in r.get("exclusion", [])]
    regions = [CircleSkyRegion(SkyCoord(p["lon"], p["lat"], unit="deg", frame=p.get("frame", "icrs")),
                               u.Quantity(c["radius"])) for p, c in zip(centers, r.get("exclusion", []))]
    exclusion = geom.to_image().region_mask(regions, inside=False) if regions else None
    ring = RingBackgroundMaker(r_in=r["rIn"], width=r["width"], exclusion_mask=exclusion)

stacked = None
for obs in store.get_observations(ids):
    empty = reference
    if "cutout" in params:
        c = params["cutout"]
        empty = reference.cutout(obs.pointing_radec, width=c["width"], mode=c.get("mode", "trim"))
    dataset = maker.run(empty, obs)
    if safe:
        dataset = safe.run(dataset, obs)
    if "to-image" in params:
        dataset = dataset.to_image()
    if ring:
        dataset = ring.run(dataset)
    if stacked is None:
        # as gammaflow's stacker: an empty dataset of the first one's class, squashed over energy for images
        squashed = dataset.counts.geom.axes["energy"].nbin == 1 and geom.axes["energy"].nbin > 1
        target = geom.squash("energy") if squashed else geom
        stack_options = dict(options)
        if squashed and "energy_axis_true" not in stack_options:
            stack_options["energy_axis_true"] = geom.axes["energy"].copy(name="energy_true")
        cls = MapDatasetOnOff if isinstance(dataset, MapDatasetOnOff) else MapDataset
        stacked = cls.create(target, name=params.get("stacker", {}).get("name", "stacked"), **stack_options)
    stacked.stack(dataset)

if "summary" in params:
    print(stacked)
os.makedirs(out_dir, exist_ok=True)
if "dataset-writer" in params:
    stacked.write(os.path.join(out_dir, params["dataset-writer"]["path"]), overwrite=True)
maps = {}
if "excess-map" in params:
    from gammapy.estimators import ExcessMapEstimator

    radius = params["excess-map"].get("correlationRadius", "0.1 deg")
    maps = ExcessMapEstimator(correlation_radius=radius).run(stacked)
if "png-preview" in params:
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    p = params["png-preview"]
    for name in p.get("maps", ["counts", "background"]):
        m = getattr(stacked, name) if hasattr(stacked, name) else maps[name]
        plt.figure()
        m.sum_over_axes(keepdims=False).plot(add_cbar=True)
        path = p.get("path", "{name}-{map}.png").replace("{name}", stacked.name).replace("{map}", name)
        plt.savefig(os.path.join(out_dir, path.replace("{format}", "png")))
        plt.close()
