// The runtime's Node adapters: file access for graph runs and the piscina worker pool.
export { nodeDataAccess } from "./node-data-access.js";
export { PiscinaPool } from "./piscina-pool.js";
