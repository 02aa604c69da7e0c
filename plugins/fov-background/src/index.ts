export { FoVBackgroundMaker, FOV_BACKGROUND_METHODS, type FoVBackgroundMethod, type FoVBackgroundMakerOptions } from "./fov-background-maker.js";
export { fovBackgroundPlugin, type FoVBackgroundParams } from "./plugin.js";

import { fovBackgroundPlugin } from "./plugin.js";
/** The graph nodes this package provides. */
export const plugins = [fovBackgroundPlugin];
