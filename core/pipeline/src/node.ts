// The runtime's Node adapters: file access and checkpoints for graph runs, the executors
// (the piscina worker pool, the BullMQ queue and its workers).
export { nodeDataAccess } from "./node-data-access.js";
export { PiscinaPool } from "./piscina-pool.js";
export { CHECKPOINT_DIR, fileCheckpoints, runKey } from "./node-checkpoints.js";
export * from "./executors/index.js";
