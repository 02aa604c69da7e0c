import { encodePng, perMessage, renderMapImage, type DatasetMessage, type FileMessage, type MapsMessage, type Message, type PluginDefinition, type Stretch, type WcsNDMap } from "@gammaflow/core";

/** Maps a dataset provides; a "maps" message (e.g. from excess-map) provides its own names. */
const DATASET_MAPS = ["counts", "background", "exposure", "excess"] as const;
type DatasetMap = (typeof DATASET_MAPS)[number];

export interface PngPreviewParams {
  maps?: string[];
  /** File name in the output folder; {name} (dataset) and {map} are replaced. */
  path?: string;
  colormap?: string;
  stretch?: Stretch;
  which?: "final" | "all";
}

/**
 * PNG previews, north up with a colour bar, of a dataset's images (summed over energy inside
 * the safe mask): counts, background, exposure, excess = counts − background; or of the named
 * maps of a "maps" message (e.g. sqrt_ts, npred_excess from excess-map).
 */
export const pngPreviewPlugin: PluginDefinition<PngPreviewParams> = {
  name: "png-preview",
  version: "0.1.0",
  description: "PNG previews with a colour bar of a dataset's counts, background, exposure or excess images, or of estimated maps (e.g. sqrt_ts)",
  params: {
    additionalProperties: false,
    properties: {
      maps: { type: "array", items: { type: "string" }, uniqueItems: true, default: ["counts", "background"], description: `for datasets: ${DATASET_MAPS.join(", ")}; for estimated maps: their names` },
      path: { type: "string", default: "{name}-{map}.png" },
      colormap: { enum: ["viridis", "inferno", "gray"], default: "viridis" },
      stretch: { enum: ["linear", "sqrt", "asinh"], default: "linear" },
      which: { enum: ["final", "all"], default: "final" },
    },
  },
  input: ["dataset", "maps"],
  output: ["file"],
  create(params, context) {
    const { data, run } = context.services;
    return perMessage<DatasetMessage | MapsMessage>(context, (message): Message | undefined => {
      if ((params.which ?? "final") === "final" && !message.final) return undefined;
      const source = message.kind === "maps" ? message.name : message.dataset.name;
      const lookup = message.kind === "maps" ? (name: string) => message.maps[name] : datasetImages(message);
      const written: string[] = [];
      for (const name of params.maps ?? ["counts", "background"]) {
        const map = lookup(name);
        if (!map) {
          context.services.logger.warn(`${context.nodeId}: '${source}' has no ${name} map`);
          continue;
        }
        const { nx, ny } = map.geom;
        const rendered = renderMapImage(map.data, nx, ny, { colormap: params.colormap, stretch: params.stretch, label: `${source} ${name}` });
        const target = data.join(run.outDir, (params.path ?? "{name}-{map}.png").replaceAll("{name}", source).replaceAll("{map}", name));
        data.writeBytes(target, encodePng(rendered.rgba, rendered.width, rendered.height, data.deflate));
        written.push(data.resolve(target));
      }
      const file: FileMessage = { kind: "file", seq: message.seq, obsId: message.obsId, path: written.join(", "), description: `PNG previews (${(params.maps ?? ["counts", "background"]).join(", ")})`, obsIds: message.obsIds };
      return written.length ? file : undefined;
    });
  },
};

/** The images of a dataset summed over energy, by name (undefined for an unknown name). */
function datasetImages(message: DatasetMessage): (name: string) => WcsNDMap | undefined {
  const image = message.dataset.toImage();
  return (name) => {
    if (!(DATASET_MAPS as readonly string[]).includes(name)) return undefined;
    const which = name as DatasetMap;
    if (which === "counts") return image.counts;
    if (which === "exposure") return image.exposure;
    const background = image.npredBackground();
    if (which === "background" || !background) return background;
    const excess = image.counts.copy();
    for (let i = 0; i < excess.data.length; i++) excess.data[i] = image.counts.data[i] - background.data[i];
    return excess;
  };
}
