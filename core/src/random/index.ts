export {
  RandomState,
  getRandomState,
  getGlobalRandomState,
  type RandomStateInit,
  type RandomStateSnapshot,
} from "./random-state.js";
export {
  type AllocateDoubles,
  type AllocateTables,
  InverseCDFSampler,
  type InverseCDFSamplerOptions,
  locatePixels,
  PLAIN_ARRAYS,
  type SearchTables,
} from "./inverse-cdf.js";
export { argsort } from "./argsort.js";
export { crLog } from "./cr-log.js";
