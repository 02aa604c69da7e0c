// The runtime's Node adapters for files: data access and checkpoints for graph runs. Apart from
// the executors (./node.js) because those load the queue's clients (bullmq, ioredis: ~0.3 s of a
// process's start-up), which a run in this process does not need.
export { nodeDataAccess } from "./node-data-access.js";
export { CHECKPOINT_DIR, fileCheckpoints, runKey } from "./node-checkpoints.js";
