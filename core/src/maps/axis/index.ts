export { MapAxis, linspace, type AxisGroup, type MapAxisOptions, type NodeType } from "./axis.js";
