import { encodePng, renderMapImage, type WcsNDMap } from "@gammaflow/core";
import {
  DATASET_KINDS,
  definePlugin,
  Enum,
  OutputPath,
  outputFiles,
  perMessage,
  Type,
  WhichDatasets,
  type DatasetMessage,
  type FileMessage,
  type MapsMessage,
  type Message,
  type Static,
} from "@gammaflow/pipeline";

/** Maps a dataset provides; a "maps" message (e.g. from excess-map) provides its own names. */
const DATASET_MAPS = ["counts", "background", "exposure", "excess"] as const;
type DatasetMap = (typeof DATASET_MAPS)[number];

const PngPreviewParams = Type.Object(
  {
    maps: Type.Array(Type.String(), {
      uniqueItems: true,
      default: ["counts", "background"],
      description: `for datasets: ${DATASET_MAPS.join(", ")}; for estimated maps: their names`,
    }),
    path: OutputPath("path", {
      default: "{name}-{map}.png",
      description: "file name in the output folder; {name} (dataset) and {map} are replaced",
    }),
    colormap: Enum(["viridis", "inferno", "gray"], { default: "viridis" }),
    stretch: Enum(["linear", "sqrt", "asinh"], { default: "linear" }),
    which: WhichDatasets("final"),
  },
  { additionalProperties: false },
);
export type PngPreviewParams = Static<typeof PngPreviewParams>;

/**
 * PNG previews, north up with a colour bar, of a dataset's images (summed over energy inside
 * the safe mask): counts, background, exposure, excess = counts − background; or of the named
 * maps of a "maps" message (e.g. sqrt_ts, npred_excess from excess-map).
 */
export const pngPreviewPlugin = definePlugin({
  name: "png-preview",
  version: "0.1.0",
  description:
    "PNG previews with a colour bar of a dataset's counts, background, exposure or excess images, " +
    "or of estimated maps (e.g. sqrt_ts)",
  params: PngPreviewParams,
  input: [...DATASET_KINDS, "maps"],
  output: ["file"],
  services: ["data"],
  create(params, context) {
    const { data } = context.services;
    return perMessage<DatasetMessage | MapsMessage>(context, (message): Message | undefined => {
      if (params.which === "final" && !message.final) return undefined;
      const source = message.kind === "maps" ? message.name : message.dataset.name;
      const lookup = message.kind === "maps" ? (name: string) => message.maps[name] : datasetImages(message);
      const files = outputFiles(context, data, message);
      const written: string[] = [];
      for (const name of params.maps) {
        const map = lookup(name);
        if (!map) {
          context.logger.warn(`'${source}' has no ${name} map`);
          continue;
        }
        const { nx, ny } = map.geom;
        const rendered = renderMapImage(map.data, nx, ny, {
          colormap: params.colormap,
          stretch: params.stretch,
          label: `${source} ${name}`,
        });
        const target = files.path(params.path.replaceAll("{name}", source).replaceAll("{map}", name));
        data.writeBytes(target, encodePng(rendered.rgba, rendered.width, rendered.height, data.deflate));
        written.push(target);
      }
      const file: FileMessage = {
        kind: "file",
        seq: message.seq,
        obsId: message.obsId,
        path: written.join(", "),
        description: `PNG previews (${params.maps.join(", ")})`,
        obsIds: message.obsIds,
        ...(files.partial && { partial: true }),
      };
      return written.length ? file : undefined;
    });
  },
});

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
