export { makeMapExposureTrueEnergy, trueEnergyAxisName, seconds } from "./exposure.js";
export { makeMapBackgroundIrf, type BackgroundOptions } from "./background.js";
export { trapzLogLogBins } from "./integrate.js";
export { makePsfMap, makeEdispMap } from "./irf-maps.js";
export { MapDatasetMaker, MAP_SELECTION_ALL, type MapSelection, type MapDatasetMakerOptions } from "./maker.js";
