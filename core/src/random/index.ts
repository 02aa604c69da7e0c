export {
  RandomState,
  getRandomState,
  getGlobalRandomState,
  type RandomStateInit,
  type RandomStateSnapshot,
} from "./random-state.js";
export { InverseCDFSampler, type InverseCDFSamplerOptions } from "./inverse-cdf.js";
export { argsort } from "./argsort.js";
export { crLog } from "./cr-log.js";
