export { stackerPlugin, type StackerParams } from "./stacker.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { stackerPlugin } from "./stacker.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [stackerPlugin];
