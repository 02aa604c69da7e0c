export { encodePng, type ZlibCompressor } from "./png.js";
export { COLOR_MAPS, NAN_COLOR, colorAt, getColorMap, type ColorMap, type Rgb } from "./colormap.js";
export { renderMapImage, type MapImage, type MapImageOptions } from "./render.js";
export type { Box } from "./canvas.js";
export type { Stretch } from "./ticks.js";
