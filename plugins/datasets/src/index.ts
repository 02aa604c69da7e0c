export { datasetCreatePlugin } from "./dataset-create.js";
export { cutoutPlugin } from "./cutout.js";
export { toImagePlugin } from "./to-image.js";
export { datasetWriterPlugin } from "./dataset-writer.js";
export { summaryPlugin } from "./summary.js";
export { pngPreviewPlugin, type PngPreviewParams } from "./png-preview.js";

import type { AnyPlugin } from "@gammaflow/pipeline";
import { datasetCreatePlugin } from "./dataset-create.js";
import { cutoutPlugin } from "./cutout.js";
import { toImagePlugin } from "./to-image.js";
import { datasetWriterPlugin } from "./dataset-writer.js";
import { summaryPlugin } from "./summary.js";
import { pngPreviewPlugin } from "./png-preview.js";
/** The graph nodes this package provides. */
export const plugins: AnyPlugin[] = [
  datasetCreatePlugin,
  cutoutPlugin,
  toImagePlugin,
  datasetWriterPlugin,
  summaryPlugin,
  pngPreviewPlugin,
];
