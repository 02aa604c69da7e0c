import { COLOR_MAP_NAMES, formatUnit, MapDatasetOnOff, skyImageSvg, smoothMap, type WcsNDMap } from "@gammaflow/core";
import { setImmediate as nextTurn } from "node:timers/promises";
import { svgToPngAsync } from "@gammaflow/core/node";
import {
  DATASET_KINDS,
  definePlugin,
  Enum,
  OutputPath,
  outputFiles,
  perMessage,
  Quantity,
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

/** Observation ids listed in a subtitle before the rest are counted. */
const LISTED_OBS_IDS = 6;

const PngPreviewParams = Type.Object(
  {
    maps: Type.Array(Type.String(), {
      uniqueItems: true,
      default: ["counts", "background"],
      description: `for datasets: ${DATASET_MAPS.join(", ")}; for estimated maps: their names`,
    }),
    path: OutputPath("path", {
      default: "{name}-{map}.{format}",
      description: "file name in the output folder; {name} (dataset), {map} and {format} are replaced",
    }),
    format: Enum(["png", "svg"], { default: "png", description: "PNG image, or SVG with text as text" }),
    colormap: Enum(COLOR_MAP_NAMES, {
      default: "viridis",
      description: "matplotlib's name; RdBu_r (blue < 0 < red, centred on 0) for residuals and significance",
    }),
    stretch: Enum(["linear", "sqrt", "asinh"], { default: "linear" }),
    vmin: Type.Optional(Type.Number({ description: "value of the lowest colour (default: the data's)" })),
    vmax: Type.Optional(Type.Number({ description: "value of the highest colour (default: the data's)" })),
    smooth: Quantity("deg", {
      default: 0,
      minimum: 0,
      description: 'σ of a Gaussian smoothing (gammapy\'s map.smooth), e.g. "0.05 deg"; 0: none',
    }),
    title: Type.String({
      default: "{name} {map}",
      description: "title above the image; {name} and {map} are replaced; an energy range and the obs ids follow",
    }),
    which: WhichDatasets("final"),
  },
  { additionalProperties: false },
);
export type PngPreviewParams = Static<typeof PngPreviewParams>;

/**
 * Sky image previews (gammapy's `map.plot()`): north up, RA/Dec or l/b axes with a graticule, a
 * colour bar with the unit, a title with the energy range and obs ids; of a dataset's images
 * (summed over energy inside the safe mask): counts, background, exposure, excess = counts −
 * background; or of the named maps of a "maps" message (e.g. sqrt_ts, npred_excess).
 */
export const pngPreviewPlugin = definePlugin({
  name: "png-preview",
  version: "0.2.0",
  description:
    "Sky images (PNG or SVG) with celestial axes and a colour bar of a dataset's counts, background, " +
    "exposure or excess, or of estimated maps (e.g. sqrt_ts)",
  params: PngPreviewParams,
  input: [...DATASET_KINDS, "maps"],
  output: ["file"],
  services: ["data"],
  create(params, context) {
    const { data } = context.services;
    return perMessage<DatasetMessage | MapsMessage>(context, async (message): Promise<Message[]> => {
      if (params.which === "final" && !message.final) return [];
      // Drawn after the message's other consumers have started: a dataset writer's compression
      // (on the thread pool) then overlaps the drawing instead of following it (main job −0.3 s).
      await nextTurn();
      // a run cancelled meanwhile writes nothing more (nor would it report the file)
      if (context.run.signal?.aborted) return [];
      const source = message.kind === "maps" ? message.name : message.dataset.name;
      const lookup = message.kind === "maps" ? (name: string) => message.maps[name] : datasetImages(message);
      const files = outputFiles(context, data, message);
      const energy = message.kind === "maps" ? undefined : energyRange(message.dataset.counts);
      // one file message per image: a report lists each path it can open
      const written: FileMessage[] = [];
      const drawn: { target: string; bytes: Uint8Array | Promise<Uint8Array> }[] = [];
      for (const name of params.maps) {
        const found = lookup(name);
        if (!found) {
          context.logger.warn(`'${source}' has no ${name} map`);
          continue;
        }
        const image = found.data.length === found.geom.nx * found.geom.ny ? found : found.sumOverAxes();
        const map = params.smooth > 0 ? smoothMap(image, `${params.smooth} deg`) : image;
        const figure = skyImageSvg(map, {
          colormap: params.colormap,
          stretch: params.stretch,
          vmin: params.vmin,
          vmax: params.vmax,
          title: params.title.replaceAll("{name}", source).replaceAll("{map}", name),
          subtitle: subtitle(energy ?? energyRange(found), message.obsIds, params.smooth),
          colorBarLabel: map.unit ? `${name} [${formatUnit(map.unit)}]` : name,
          deflate: data.deflate,
        });
        const file = params.path
          .replaceAll("{name}", source)
          .replaceAll("{map}", name)
          .replaceAll("{format}", params.format);
        const target = files.path(file);
        // PNGs drawn on the thread pool, all of the message's at once (main job: ~140 ms off the main thread)
        const bytes = params.format === "svg" ? new TextEncoder().encode(figure.svg) : svgToPngAsync(figure.svg);
        drawn.push({ target, bytes });
        written.push({
          kind: "file",
          seq: message.seq,
          obsId: message.obsId,
          path: target,
          description: `${params.format.toUpperCase()} sky image of ${source}'s ${name}`,
          obsIds: message.obsIds,
          ...(files.partial && { partial: true }),
        });
      }
      const images = await Promise.all(drawn.map(async ({ target, bytes }) => ({ target, bytes: await bytes })));
      if (context.run.signal?.aborted) return [];
      for (const { target, bytes } of images) data.writeBytes(target, bytes);
      return written;
    });
  },
});

/**
 * The dataset's images as `toImage()` has them (counts and background summed over energy inside
 * the safe mask, the exposure as it is), each made when first asked: a whole `toImage()` also
 * reduces the masks and the IRF maps, which no preview draws. An on-off dataset's image has a
 * background of its own (alpha from the summed acceptances): toImage() makes that one.
 */
function datasetImages(message: DatasetMessage): (name: string) => WcsNDMap | undefined {
  const dataset = message.dataset;
  const onOffImage = dataset instanceof MapDatasetOnOff ? once(() => dataset.toImage()) : undefined;
  const countsImage = once(() => (onOffImage ? onOffImage().counts : dataset.imageOf(dataset.counts)));
  const backgroundImage = once(() => {
    if (onOffImage) return onOffImage().npredBackground();
    const background = dataset.npredBackground();
    return background && dataset.imageOf(background);
  });
  return (name) => {
    if (!(DATASET_MAPS as readonly string[]).includes(name)) return undefined;
    const which = name as DatasetMap;
    if (which === "counts") return countsImage();
    if (which === "exposure") return dataset.exposure;
    const bkg = backgroundImage();
    if (which === "background" || !bkg) return bkg;
    const total = countsImage();
    const excess = total.copy();
    for (let i = 0; i < excess.data.length; i++) excess.data[i] = total.data[i] - bkg.data[i];
    return excess;
  };
}

/** `make`'s value, made on the first call only. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** The span of a map's reconstructed-energy axis ("1–10 TeV"), if it has one. */
function energyRange(map: WcsNDMap | undefined): string | undefined {
  const axis = map?.geom.axes.find((a) => a.name === "energy");
  if (!axis) return undefined;
  const edges = axis.edges;
  const round = (v: number) => String(Number(v.toPrecision(3)));
  return `${round(edges[0])}–${round(edges[edges.length - 1])} ${axis.unit || "TeV"}`;
}

/** "1–10 TeV · obs 23523, 23526 · smoothed σ = 0.05°". */
function subtitle(energy: string | undefined, obsIds: readonly number[] | undefined, smooth: number): string {
  const ids = [...new Set(obsIds ?? [])].sort((a, b) => a - b);
  const listed = ids.slice(0, LISTED_OBS_IDS).join(", ");
  const obs = ids.length > LISTED_OBS_IDS ? `${ids.length} obs: ${listed}, …` : ids.length ? `obs ${listed}` : "";
  const smoothing = smooth > 0 ? `Gaussian σ = ${Number(smooth.toPrecision(3))}°` : "";
  return [energy, obs, smoothing].filter(Boolean).join(" · ");
}
