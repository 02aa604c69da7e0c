// The Node entry of `@gammaflow/core` (the "node" export condition): the neutral entry, with a
// DataStore whose fromDir reads through node:fs. The explicit export wins over `export *`.
export * from "./index.js";
export { DataStore } from "./nodejs/data-store.js";
