export { makeMapExposureTrueEnergy, trueEnergyAxisName, seconds } from "./exposure.js";
export { makeMapBackgroundIrf, type BackgroundOptions } from "./background.js";
export { trapzLogLog } from "./integrate.js";
