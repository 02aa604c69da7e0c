export { PSFMap, type PsfKernelOptions } from "./psf-map.js";
export { PSFKernel, type PsfKernelImageOptions } from "./psf-kernel.js";
export { EDispMap } from "./edisp-map.js";
export { EDispKernelMap } from "./edisp-kernel-map.js";
export { edispFromMaps, type EDisp } from "./edisp.js";
export {
  MapDataset,
  MIGRA_AXIS_V015,
  BINSZ_IRF_DEFAULT,
  type MapDatasetCreateOptions,
  type MapDatasetFields,
} from "./map-dataset.js";
export { createCutout } from "./create-cutout.js";
export { datasetToHdus, datasetFromFits } from "./io.js";
export { maskCubeOnGeom, maskOnGeom } from "./stack.js";
export { datasetToPortable, datasetFromPortable, type PortableDataset, type PortableMap } from "./portable.js";
export { MapDatasetOnOff, type OnOffMaps } from "./map-dataset-onoff.js";
export { MapEvaluator, PSF_CONTAINMENT, type EDispSource, type EvaluationMode } from "./map-evaluator.js";
export { Datasets, type FitDataset } from "./datasets.js";
export { MapDatasetEventSampler, trueEnergyNpred, type SampledColumns, type SampledEvents } from "./event-sampler.js";
export type { EventSamplingHelper, BackgroundDraws, HelperEvents } from "./background-events.js";
