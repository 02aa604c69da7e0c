export { encodePng, type ZlibCompressor } from "./png.js";
export { COLOR_MAP_NAMES, colorAt, getColorMap, type ColorMap, type Rgb } from "./colormap.js";
export { formatUnit } from "./labels.js";
export { skyAxes, type FrameTick, type GraticuleLine, type SkyAxes } from "./sky-axes.js";
export { skyImageSvg, type SkyImage, type SkyImageLayout, type SkyImageOptions } from "./sky-image.js";
export { logTicks, formatPowerOfTen, type LogTick } from "./log-axis.js";
export {
  spectrumSvg,
  type FluxPoint,
  type SedType,
  type SpectrumPlot,
  type SpectrumPlotLayout,
  type SpectrumPlotOptions,
} from "./spectrum-plot.js";
export type { Box, FigureOptions } from "./svg.js";
export type { Stretch } from "./ticks.js";
