// Node adapters: file access and gzip for the pure core modules. Importing this module also
// registers node:fs as the default file access of DataStore.
export * from "./fits-io.js";
export * from "./map-io.js";
export * from "./files.js";
export * from "./dataset-io.js";
export * from "./testing.js";
export * from "./pipeline.js";
export { PiscinaPool } from "./worker-pool.js";
