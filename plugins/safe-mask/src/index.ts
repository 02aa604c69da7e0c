export { SafeMaskMaker, SAFE_MASK_METHODS, energyMask, type SafeMaskMethod, type SafeMaskMakerOptions } from "./safe-mask-maker.js";
export { safeMaskPlugin, type SafeMaskParams } from "./plugin.js";

import { safeMaskPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins = [safeMaskPlugin];
