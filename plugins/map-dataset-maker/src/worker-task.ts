import {
  createCutout,
  datasetFromPortable,
  datasetToPortable,
  DataStore,
  defaultComputeCache,
  Header,
  kernelPaths,
  MapDataset,
  SkyCoord,
  withKernelPaths,
  withRunScope,
  type Card,
  type KernelPaths,
  type PortableDataset,
} from "@gammaflow/core";
import {
  applyWorkerSteps,
  datasetOptionsFromSpec,
  geomFromSpec,
  StepFailure,
  type CutoutSpec,
  type DatasetSpec,
  type GeomSpec,
  type ObservationMessage,
  type FailedStep,
  type LoadedStep,
  type PluginContext,
  type WorkerStep,
} from "@gammaflow/pipeline";
import { MapDatasetMaker } from "./map-dataset-maker.js";
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
  /** The main thread's kernel paths (tuned or reference): a worker computes as it would. */
  paths: KernelPaths;
}

const WORKER_MODULE = new URL("./worker-task.js", import.meta.url).href;

/**
 * Reduce in the pool: the worker opens the run again, runs the next nodes' `steps` on the
 * dataset, and sends it back as plain data whose buffers are moved, not copied.
 */
export async function reduceInWorker(
  context: PluginContext<"workers">,
  message: ObservationMessage,
  params: MapDatasetMakerParams,
  steps: readonly WorkerStep[] = [],
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
    paths: kernelPaths(),
  };
  const result = await services.workers.run<ReduceResult>({
    module: WORKER_MODULE,
    payload: task,
    ...(steps.length > 0 && { steps }),
  });
  for (const warning of result.warnings) logger.warn(warning);
  // the nodes after the maker (a safe mask's thresholds, the pointing) read what the worker read
  message.observation.addHeaders(result.headers.map(([hduType, cards]) => [hduType, new Header(cards)] as const));
  if (result.failed) throw new StepFailure(result.failed.node, result.failed.message);
  return datasetFromPortable(result.dataset);
}

/** The worker's dataset, or the step that failed on it (the dataset is then of no use). */
export type ReduceResult = {
  warnings: string[];
  /** The headers of the run's HDUs the worker read, by HDU type (their cards). */
  headers: Array<[string, Card[]]>;
  /** The dataset's buffers, moved to the main thread. */
  transfer: ArrayBuffer[];
} & ({ dataset: PortableDataset; failed?: undefined } | { dataset?: undefined; failed: FailedStep });

// Kept in the worker's compute cache (its lifetime and cap): the data stores opened.
const STORES = "worker data stores";

/**
 * Runs in a worker (or in process): the reduction of one observation and the next nodes' `steps`
 * on it, as a portable dataset. The cache entries made from the run's own objects (its IRFs) go
 * when it is done (`withRunScope`).
 */
export function runTask(task: ReduceTask, steps: readonly LoadedStep[] = []): ReduceResult {
  return withKernelPaths(task.paths, () => withRunScope(() => reduceTask(task, steps)));
}

function reduceTask(task: ReduceTask, steps: readonly LoadedStep[]): ReduceResult {
  const cache = defaultComputeCache();
  const storeKey = `${task.storeDir}\n${task.storeRoot ?? ""}`;
  const store = cache.getOrCompute(STORES, storeKey, () => DataStore.fromDir(task.storeDir, { root: task.storeRoot }));
  const observation = store.obs(task.obsId);
  const c = task.cutout;
  const geom = geomFromSpec(task.geom);
  const options = datasetOptionsFromSpec(task.dataset ?? {});
  const name = `obs-${task.obsId}`;
  // the empty target's cutout as the cutout node makes it, else the empty target
  const reference = c
    ? createCutout(geom, options, new SkyCoord(c.lon, c.lat, c.frame), c.width, c.mode, name)
    : MapDataset.create(geom, { ...options, name });
  const warnings: string[] = [];
  const reduced = new MapDatasetMaker({ ...task.params, warn: (m) => warnings.push(m) }).run(reference, observation);
  const { dataset, failed } = applyWorkerSteps(steps, reduced, observation);
  // the headers the steps read too: the nodes after them on the main thread see what they saw
  const headers = [...observation.knownHeaders()].map(([hduType, header]): [string, Card[]] => [hduType, header.cards]);
  if (failed) return { warnings, headers, transfer: [], failed };
  const { portable, transfer } = datasetToPortable(dataset);
  return { dataset: portable, warnings, headers, transfer };
}
