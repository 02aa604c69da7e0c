// The safe mask as a worker step: run in the map maker's worker task, right after the reduction,
// when a graph's safe-mask node follows a map maker that reduces in a worker pool (worker-steps).
import { skyCoordFromSpec, type RunStep } from "@gammaflow/pipeline";
import { SafeMaskMaker } from "./safe-mask-maker.js";
import type { SafeMaskParams } from "./plugin.js";

/** The SafeMaskMaker of a node's resolved params. */
export function safeMaskMakerOf(params: SafeMaskParams): SafeMaskMaker {
  return new SafeMaskMaker({ ...params, position: params.position && skyCoordFromSpec(params.position) });
}

export const runStep: RunStep = (dataset, observation, params) =>
  safeMaskMakerOf(params as SafeMaskParams).run(dataset, observation);
