// The runtime's Node adapters: file access and checkpoints for graph runs (./node-files.js), the
// executors (the piscina worker pool, the BullMQ queue and its workers).
export * from "./node-files.js";
export { PiscinaPool } from "./piscina-pool.js";
export * from "./executors/index.js";
