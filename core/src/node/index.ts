// Node adapters: file access and gzip for the pure core modules.
export * from "./fits-io.js";
export * from "./map-io.js";
