export {
  RandomState,
  getRandomState,
  getGlobalRandomState,
  type RandomStateInit,
  type RandomStateSnapshot,
} from "./random-state.js";
export { crLog } from "./cr-log.js";
