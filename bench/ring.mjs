// Ring and adaptive ring background on the same image, gammaflow vs gammapy 1.0 in the same run:
// run 23592 reduced on the documentation's ring geometry (8 deg at 0.02 deg, 0.3-30 TeV) and summed
// over energy; then RingBackgroundMaker(0.3 deg, 0.3 deg) and AdaptiveRingBackgroundMaker(0.22,
// 0.8, 0.1 deg) with an exclusion circle on the Crab, and the significance map (0.1 deg).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, MapAxis, MapDataset, SkyCoord, WcsGeom, exclusionMask } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { MapDatasetMaker } from "@gammaflow/map-dataset-maker";
import { SafeMaskMaker } from "@gammaflow/safe-mask";
import { AdaptiveRingBackgroundMaker, RingBackgroundMaker } from "@gammaflow/ring-background";
import { ExcessMapEstimator } from "@gammaflow/excess-map";
import { bestOf, pythonBestMs, report } from "./common.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const store = DataStore.fromDir(toStorePath(path.join(repo, "data/hess-dl3-dr1")));
const energy = MapAxis.fromBounds(0.3, 30, 11, { name: "energy", unit: "TeV", interp: "log" });
const geom = WcsGeom.create({ skydir: [83.63, 22.01], axes: [energy], width: 8, binsz: 0.02 });
const obs = store.obs(23592);
const dataset = new SafeMaskMaker({ methods: ["aeff-default", "offset-max"], offsetMax: "3 deg" }).run(
  new MapDatasetMaker().run(MapDataset.create(geom), obs),
  obs,
);
const image = dataset.toImage();
const exclusion = exclusionMask(image.counts.geom.toImage(), [
  { type: "circle", center: new SkyCoord(83.63, 22.01), radius: "0.3 deg" },
]);
const ring = new RingBackgroundMaker({ rIn: "0.3 deg", width: "0.3 deg", exclusionMask: exclusion });
const adaptive = new AdaptiveRingBackgroundMaker({
  rIn: "0.22 deg",
  rOutMax: "0.8 deg",
  width: "0.1 deg",
  exclusionMask: exclusion,
});
const estimator = new ExcessMapEstimator({ correlationRadius: "0.1 deg" });
const onoff = ring.run(image);

const setup = `
import time, warnings; warnings.filterwarnings("ignore")
import astropy.units as u
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion
from gammapy.data import DataStore
from gammapy.datasets import MapDataset
from gammapy.estimators import ExcessMapEstimator
from gammapy.makers import MapDatasetMaker, SafeMaskMaker, RingBackgroundMaker, AdaptiveRingBackgroundMaker
from gammapy.maps import MapAxis, WcsGeom
store = DataStore.from_dir(${JSON.stringify(path.join(repo, "data/hess-dl3-dr1"))})
energy = MapAxis.from_bounds(0.3, 30, nbin=11, name="energy", unit="TeV", interp="log")
geom = WcsGeom.create(skydir=(83.63, 22.01), axes=[energy], width=8, binsz=0.02)
obs = store.obs(23592)
ds = SafeMaskMaker(methods=["aeff-default", "offset-max"], offset_max="3 deg").run(
    MapDatasetMaker().run(MapDataset.create(geom), obs), obs
)
image = ds.to_image()
exclusion = image.counts.geom.to_image().region_mask(
    [CircleSkyRegion(SkyCoord(83.63, 22.01, unit="deg"), 0.3 * u.deg)], inside=False
)
ring = RingBackgroundMaker(r_in="0.3 deg", width="0.3 deg", exclusion_mask=exclusion)
adaptive = AdaptiveRingBackgroundMaker(r_in="0.22 deg", r_out_max="0.8 deg", width="0.1 deg", exclusion_mask=exclusion)
estimator = ExcessMapEstimator(correlation_radius="0.1 deg")
onoff = ring.run(image)
def best(fn, n=5):
    fn(); b = 1e99
    for _ in range(n):
        t0 = time.perf_counter(); fn(); b = min(b, time.perf_counter() - t0)
    return b * 1e3
`;
const cases = [
  ["RingBackgroundMaker.run (400×400 image)", () => ring.run(image), "ring.run(image)"],
  ["AdaptiveRingBackgroundMaker.run", () => adaptive.run(image), "adaptive.run(image)"],
  ["ExcessMapEstimator.run (on-off, 0.1 deg)", () => estimator.run(onoff), "estimator.run(onoff)"],
];
for (const [name, fn, py] of cases) {
  const ours = await bestOf(5, fn);
  const reference = pythonBestMs(`${setup}\nprint(best(lambda: ${py}))`);
  report(name, ours, reference, "gammapy");
}
