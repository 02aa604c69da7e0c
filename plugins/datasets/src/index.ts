export { datasetCreatePlugin } from "./dataset-create.js";
export { cutoutPlugin, type CutoutParams } from "./cutout.js";
export { stackerPlugin, type StackerParams } from "./stacker.js";
export { toImagePlugin } from "./to-image.js";
export { datasetWriterPlugin, type DatasetWriterParams } from "./dataset-writer.js";
export { summaryPlugin } from "./summary.js";
export { pngPreviewPlugin, type PngPreviewParams } from "./png-preview.js";

import { datasetCreatePlugin } from "./dataset-create.js";
import { cutoutPlugin } from "./cutout.js";
import { stackerPlugin } from "./stacker.js";
import { toImagePlugin } from "./to-image.js";
import { datasetWriterPlugin } from "./dataset-writer.js";
import { summaryPlugin } from "./summary.js";
import { pngPreviewPlugin } from "./png-preview.js";
/** The graph nodes this package provides. */
export const plugins = [datasetCreatePlugin, cutoutPlugin, stackerPlugin, toImagePlugin, datasetWriterPlugin, summaryPlugin, pngPreviewPlugin];
