export * from "./messages.js";
export * from "./plugin.js";
export * from "./registry.js";
export * from "./services.js";
export * from "./specs.js";
export * from "./graph.js";
export * from "./order.js";
export * from "./runner.js";
