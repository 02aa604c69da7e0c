// The gammaflow runtime: the plugin contract, the graph schema and its validation, the
// services container and the RxJS runner. Platform-neutral; Node adapters are in ./node.js.
export { Type, type Static, type TSchema } from "@sinclair/typebox";
export * from "./params.js";
export * from "./messages.js";
export * from "./plugin.js";
export * from "./registry.js";
export * from "./import-module.js";
export * from "./services.js";
export * from "./specs.js";
export * from "./graph.js";
export * from "./issues.js";
export * from "./overrides.js";
export * from "./order.js";
export * from "./runner.js";
export * from "./outputs.js";
export * from "./checkpoints.js";
export * from "./executors/executor-lost.js";
export * from "./timings.js";
export * from "./validators.js";
export * from "./worker-steps.js";
