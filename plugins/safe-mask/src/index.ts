export {
  SafeMaskMaker,
  SAFE_MASK_METHODS,
  energyMask,
  type SafeMaskMethod,
  type SafeMaskMakerOptions,
} from "./safe-mask-maker.js";
export { safeMaskPlugin } from "./plugin.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { safeMaskPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [safeMaskPlugin];
