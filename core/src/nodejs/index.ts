// `@gammaflow/core/node`: file helpers on node:fs and node:zlib. Importing it changes nothing
// (DataStore's node:fs default comes from the package's Node entry, `@gammaflow/core` in Node).
export * from "./fits-io.js";
export * from "./map-io.js";
export * from "./files.js";
export * from "./atomic-files.js";
export * from "./dataset-io.js";
export * from "./data-dir.js";
export * from "./datasets-io.js";
export * from "./dl3-writer.js";
export * from "./svg-png.js";
export { eventSamplingThread } from "./sampling-thread.js";
