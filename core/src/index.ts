export * from "./units/index.js";
export * from "./coords/index.js";
export * from "./fits/index.js";
export * from "./maps/index.js";
export * from "./data/index.js";
export * from "./irf/index.js";
export * from "./datasets/index.js";
export * from "./utils/interpolation/index.js";
export { firstRoot } from "./utils/roots.js";
