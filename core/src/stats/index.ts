export * from "./fit-statistics.js";
