export { makeMapExposureTrueEnergy, trueEnergyAxisName, seconds } from "./exposure.js";
export { makeMapBackgroundIrf, type BackgroundOptions } from "./background.js";
export { trapzLogLog } from "./integrate.js";
export { makePsfMap, makeEdispMap } from "./irf-maps.js";
