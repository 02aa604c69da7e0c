import {
  datasetFromPortable,
  datasetToPortable,
  DataStore,
  MapDataset,
  SkyCoord,
  type PortableDataset,
} from "@gammaflow/core";
import {
  datasetOptionsFromSpec,
  geomFromSpec,
  type CutoutSpec,
  type DatasetSpec,
  type GeomSpec,
  type ObservationMessage,
  type PluginContext,
} from "@gammaflow/pipeline";
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

/** Reduce in the pool: the worker opens the run again and sends the dataset back as plain data whose buffers are moved, not copied. */
export async function reduceInWorker(
  context: PluginContext<"workers">,
  message: ObservationMessage,
  params: MapDatasetMakerParams,
): Promise<MapDataset> {
  const { logger, run, services } = context;
  const geom = run.inputs?.geom;
  if (!geom) throw new Error("reducing in a worker needs the graph's inputs.geom");
  const task: ReduceTask = {
    storeDir: message.storeDir!,
    storeRoot: message.storeRoot,
    obsId: message.obsId,
    geom,
    dataset: run.inputs?.dataset,
    cutout: message.cutout,
    params,
  };
  const result = await services.workers.run<ReduceResult>({ module: WORKER_MODULE, payload: task });
  for (const warning of result.warnings) logger.warn(warning);
  return datasetFromPortable(result.dataset);
}

const stores = new Map<string, DataStore>();

export interface ReduceResult {
  dataset: PortableDataset;
  warnings: string[];
  /** The dataset's buffers, moved to the main thread. */
  transfer: ArrayBuffer[];
}

/** The empty dataset on the target geometry, made once per worker and graph inputs. */
const targets = new Map<string, MapDataset>();

/** Runs in a worker (or in process): the reduction of one observation, as a portable dataset. */
export function runTask(task: ReduceTask): ReduceResult {
  const key = `${task.storeDir}\n${task.storeRoot ?? ""}`;
  let store = stores.get(key);
  if (!store) {
    store = DataStore.fromDir(task.storeDir, { root: task.storeRoot });
    stores.set(key, store);
  }
  const observation = store.obs(task.obsId);
  const targetKey = JSON.stringify([task.geom, task.dataset]);
  let target = targets.get(targetKey);
  if (!target) {
    target = MapDataset.create(geomFromSpec(task.geom), datasetOptionsFromSpec(task.dataset ?? {}));
    targets.set(targetKey, target);
  }
  const c = task.cutout;
  // A cutout copies; without one the maker gets its own empty dataset (it must not fill the cached one).
  const reference = c
    ? target.cutout(new SkyCoord(c.lon, c.lat, c.frame), c.width, c.mode, `obs-${task.obsId}`)
    : MapDataset.create(geomFromSpec(task.geom), { ...datasetOptionsFromSpec(task.dataset ?? {}), name: `obs-${task.obsId}` });
  const warnings: string[] = [];
  const dataset = new MapDatasetMaker({ ...task.params, warn: (m) => warnings.push(m) }).run(reference, observation);
  const { portable, transfer } = datasetToPortable(dataset);
  return { dataset: portable, warnings, transfer };
}
