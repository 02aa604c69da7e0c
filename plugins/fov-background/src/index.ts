export {
  FoVBackgroundMaker,
  FOV_BACKGROUND_METHODS,
  type FoVBackgroundMethod,
  type FoVBackgroundMakerOptions,
} from "./fov-background-maker.js";
export { fovBackgroundPlugin } from "./plugin.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { fovBackgroundPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [fovBackgroundPlugin];
