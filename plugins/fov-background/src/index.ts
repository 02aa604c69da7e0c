export { FoVBackgroundMaker, FOV_BACKGROUND_METHODS, type FoVBackgroundMethod, type FoVBackgroundMakerOptions } from "./fov-background-maker.js";
