export { MapAxis, linspace, type MapAxisOptions, type NodeType } from "./axis.js";
