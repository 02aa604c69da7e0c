export * from "./fit-statistics.js";
export * from "./wstat.js";
export * from "./erfc.js";
export * from "./counts-statistic.js";
