import { encodePng, perMessage, renderMapImage, type DatasetMessage, type FileMessage, type Message, type PluginDefinition, type Stretch, type WcsNDMap } from "@gammaflow/core";

const MAPS = ["counts", "background", "exposure", "excess"] as const;
type PreviewMap = (typeof MAPS)[number];

export interface PngPreviewParams {
  maps?: PreviewMap[];
  /** File name in the output folder; {name} (dataset) and {map} are replaced. */
  path?: string;
  colormap?: string;
  stretch?: Stretch;
  which?: "final" | "all";
}

/**
 * PNG previews of a dataset's images (summed over energy inside the safe mask, north up, with
 * a colour bar): counts, background, exposure, or excess = counts − background.
 */
export const pngPreviewPlugin: PluginDefinition<PngPreviewParams> = {
  name: "png-preview",
  version: "0.1.0",
  description: "PNG previews of a dataset's counts, background, exposure or excess images, with a colour bar",
  params: {
    additionalProperties: false,
    properties: {
      maps: { type: "array", items: { enum: [...MAPS] }, uniqueItems: true, default: ["counts", "background"] },
      path: { type: "string", default: "{name}-{map}.png" },
      colormap: { enum: ["viridis", "inferno", "gray"], default: "viridis" },
      stretch: { enum: ["linear", "sqrt", "asinh"], default: "linear" },
      which: { enum: ["final", "all"], default: "final" },
    },
  },
  input: ["dataset"],
  output: ["file"],
  create(params, context) {
    const { data, run } = context.services;
    return (input) =>
      input.pipe(
        perMessage<DatasetMessage>(context, (message): Message | undefined => {
          if ((params.which ?? "final") === "final" && !message.final) return undefined;
          const image = message.dataset.toImage();
          const written: string[] = [];
          for (const name of params.maps ?? ["counts", "background"]) {
            const map = imageOf(image, name);
            if (!map) {
              context.services.logger.warn(`${context.nodeId}: dataset '${message.dataset.name}' has no ${name} map`);
              continue;
            }
            const { nx, ny } = map.geom;
            const rendered = renderMapImage(map.data, nx, ny, { colormap: params.colormap, stretch: params.stretch, label: `${message.dataset.name} ${name}` });
            const target = data.join(run.outDir, (params.path ?? "{name}-{map}.png").replaceAll("{name}", message.dataset.name).replaceAll("{map}", name));
            data.writeBytes(target, encodePng(rendered.rgba, rendered.width, rendered.height, data.deflate));
            written.push(data.resolve(target));
          }
          const file: FileMessage = { kind: "file", seq: message.seq, obsId: message.obsId, path: written.join(", "), description: `PNG previews (${(params.maps ?? ["counts", "background"]).join(", ")})`, obsIds: message.obsIds };
          return written.length ? file : undefined;
        }),
      );
  },
};

function imageOf(image: { counts: WcsNDMap; background?: WcsNDMap; exposure?: WcsNDMap; npredBackground(): WcsNDMap | undefined }, name: PreviewMap): WcsNDMap | undefined {
  if (name === "counts") return image.counts;
  if (name === "exposure") return image.exposure;
  const background = image.npredBackground();
  if (name === "background") return background;
  if (!background) return undefined;
  const excess = image.counts.copy();
  for (let i = 0; i < excess.data.length; i++) excess.data[i] = image.counts.data[i] - background.data[i];
  return excess;
}
