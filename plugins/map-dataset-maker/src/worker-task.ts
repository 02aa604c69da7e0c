import {
  datasetFromFits,
  datasetToHdus,
  DataStore,
  FitsFile,
  MapDataset,
  SkyCoord,
  datasetOptionsFromSpec,
  geomFromSpec,
  writeFitsBytes,
  type CutoutSpec,
  type DatasetSpec,
  type GeomSpec,
  type ObservationMessage,
  type Services,
} from "@gammaflow/core";
import { MapDatasetMaker } from "./maker.js";
import type { MapDatasetMakerParams } from "./plugin.js";

/** What a worker needs to reduce one observation exactly as the main thread would. */
export interface ReduceTask {
  storeDir: string;
  storeRoot?: string;
  obsId: number;
  geom: GeomSpec;
  dataset?: DatasetSpec;
  cutout?: CutoutSpec;
  params: MapDatasetMakerParams;
}

const WORKER_MODULE = new URL("./worker-task.js", import.meta.url).href;

/** Reduce in the pool: the worker opens the run again and sends the dataset back as FITS bytes (moved, not copied). */
export async function reduceInWorker(services: Services, message: ObservationMessage, params: MapDatasetMakerParams): Promise<MapDataset> {
  const geom = services.run.inputs?.geom;
  if (!geom) throw new Error("reducing in a worker needs the graph's inputs.geom");
  const task: ReduceTask = {
    storeDir: message.storeDir!,
    storeRoot: message.storeRoot,
    obsId: message.obsId,
    geom,
    dataset: services.run.inputs?.dataset,
    cutout: message.cutout,
    params,
  };
  const result = await services.workers.run<ReduceResult>({ module: WORKER_MODULE, payload: task });
  for (const warning of result.warnings) services.logger.warn(warning);
  return datasetFromFits(FitsFile.parse(result.bytes));
}

const stores = new Map<string, DataStore>();

export interface ReduceResult {
  /** The dataset in gammapy's FITS layout, uncompressed. */
  bytes: Uint8Array;
  warnings: string[];
}

/** Runs in a worker (or in process): the reduction of one observation, as FITS bytes. */
export function runTask(task: ReduceTask): ReduceResult {
  const key = `${task.storeDir}\n${task.storeRoot ?? ""}`;
  let store = stores.get(key);
  if (!store) {
    store = DataStore.fromDir(task.storeDir, { root: task.storeRoot });
    stores.set(key, store);
  }
  const observation = store.obs(task.obsId);
  let reference = MapDataset.create(geomFromSpec(task.geom), { ...datasetOptionsFromSpec(task.dataset ?? {}), name: `obs-${task.obsId}` });
  if (task.cutout) {
    const c = task.cutout;
    reference = reference.cutout(new SkyCoord(c.lon, c.lat, c.frame), c.width, c.mode, `obs-${task.obsId}`);
  }
  const warnings: string[] = [];
  const dataset = new MapDatasetMaker({ ...task.params, warn: (m) => warnings.push(m) }).run(reference, observation);
  return { bytes: writeFitsBytes(datasetToHdus(dataset)), warnings };
}
