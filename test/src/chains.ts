/**
 * The reduction chains of chains/chains.json — the documentation's combined chain (cutout per
 * run, MapDatasetMaker, SafeMaskMaker, stacking) with each chain's own geometry, axes and
 * safe-mask methods. scripts/fixtures/chains.py runs the same file with gammapy 1.0.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DataStore, MapAxis, MapDataset, WcsGeom, type Frame, type Projection } from "@gammaflow/core";
import { toStorePath } from "@gammaflow/core/node";
import { TestData } from "@gammaflow/core/testing";
import { MapDatasetMaker } from "@gammaflow/map-dataset-maker";
import { SafeMaskMaker, type SafeMaskMethod } from "@gammaflow/safe-mask";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The public data: the bundled runs, else $GAMMAPY_DATA (default ../shared/gammapy-data beside the repo). */
const DATA = new TestData(repoRoot);

interface AxisConfig {
  min: number;
  max: number;
  nbin: number;
}

export interface ChainConfig {
  description: string;
  store: { dir: string; root?: string };
  obsIds: number[];
  geom: { skydir: [number, number]; frame: Frame; proj: Projection; width: number; binsz: number };
  energy: AxisConfig;
  energyTrue: AxisConfig;
  migra: AxisConfig;
  rad: AxisConfig;
  binszIrf: number;
  cutoutWidth: number;
  safeMask: { methods: SafeMaskMethod[]; offsetMax: number; aeffPercent?: number };
}

/** A store folder "$GAMMAPY_DATA/…" is inside gammapy's data (as scripts/fixtures/chains.py reads it). */
const IN_GAMMAPY_DATA = "$GAMMAPY_DATA/";
const inGammapyData = (dir: string) =>
  dir.startsWith(IN_GAMMAPY_DATA) ? dir.slice(IN_GAMMAPY_DATA.length) : undefined;

/** node:test options for a chain: skipped when its store is in gammapy's data and that is missing. */
export function chainNeeds(config: ChainConfig): { skip: string | false } {
  const relative = inGammapyData(config.store.dir);
  return relative ? DATA.needs(relative) : { skip: false };
}

/** A chain's store folder: inside gammapy's data, or relative to the repository. */
function storeDir(config: ChainConfig): string {
  const relative = inGammapyData(config.store.dir);
  return relative ? DATA.path(relative) : path.resolve(repoRoot, config.store.dir);
}

export function loadChains(): Record<string, ChainConfig> {
  return JSON.parse(readFileSync(path.join(repoRoot, "test", "chains", "chains.json"), "utf8"));
}

const logAxis = (c: AxisConfig, name: string) =>
  MapAxis.fromBounds(c.min, c.max, c.nbin, { name, unit: "TeV", interp: "log" });

export function runChain(config: ChainConfig, onRun?: (obsId: number, dataset: MapDataset) => void): MapDataset {
  const store = DataStore.fromDir(toStorePath(storeDir(config)), config.store.root ? { root: config.store.root } : {});
  const g = config.geom;
  const geom = WcsGeom.create({
    skydir: g.skydir,
    frame: g.frame,
    proj: g.proj,
    width: g.width,
    binsz: g.binsz,
    axes: [logAxis(config.energy, "energy")],
  });
  const stacked = MapDataset.create(geom, {
    energyAxisTrue: logAxis(config.energyTrue, "energy_true"),
    migraAxis: MapAxis.fromBounds(config.migra.min, config.migra.max, config.migra.nbin, { name: "migra", unit: "" }),
    radAxis: MapAxis.fromBounds(config.rad.min, config.rad.max, config.rad.nbin, { name: "rad", unit: "deg" }),
    binszIrf: config.binszIrf,
    name: "stacked",
  });
  const maker = new MapDatasetMaker();
  const safe = new SafeMaskMaker({
    methods: config.safeMask.methods,
    offsetMax: config.safeMask.offsetMax,
    aeffPercent: config.safeMask.aeffPercent,
  });
  for (const obs of store.getObservations(config.obsIds)) {
    const dataset = safe.run(maker.run(stacked.cutout(obs.pointingRadec, config.cutoutWidth), obs), obs);
    onRun?.(obs.obsId, dataset);
    stacked.stack(dataset);
  }
  return stacked;
}
