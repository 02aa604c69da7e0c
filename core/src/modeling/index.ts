export * from "./minimize.js";
