import {
  SkyModel,
  skyImageSvg,
  spectrumSvg,
  type FigureOptions,
  type FluxPoints,
  type MapDataset,
  type Models,
  type SkyImage,
  type SpectrumPlotLayout,
  type WcsNDMap,
  type ZlibCompressor,
} from "@gammaflow/core";

/** A fit map (`fitMaps`: npred, residuals) summed over energy: viridis, residuals in RdBu_r centred on 0. */
export function fitMapFigure(
  name: string,
  map: WcsNDMap,
  datasetName: string,
  options: FigureOptions & { deflate?: ZlibCompressor } = {},
): SkyImage {
  return skyImageSvg(map.sumOverAxes(), {
    ...options,
    title: `${datasetName} ${name}`,
    colormap: name.includes("resid") ? "RdBu_r" : "viridis",
  });
}

/** The fitted spectrum of one sky model, with its 1σ band, over a dataset's energy range. */
export interface SpectrumFigure {
  model: string;
  title: string;
  svg: string;
  /** Where the figure puts (energy, dN/dE). */
  layout: SpectrumPlotLayout;
}

export interface SpectrumFiguresOptions {
  /** Flux points per sky model name (`estimateFluxPoints`), drawn on that model's figure. */
  fluxPoints?: Record<string, FluxPoints>;
  /** Each figure's page options (alt text, id prefix). */
  figure?: (model: string, title: string) => FigureOptions;
}

/** The spectrum figure of each sky model of `models` fitted to `dataset`, with its flux points when given. */
export function spectrumFigures(
  models: Models,
  dataset: MapDataset,
  { fluxPoints = {}, figure = () => ({}) }: SpectrumFiguresOptions = {},
): SpectrumFigure[] {
  const edges = dataset.counts.geom.axisByName("energy").edges;
  const energyBounds = [edges[0], edges[edges.length - 1]] as const;
  const figures: SpectrumFigure[] = [];
  for (const model of models.toArray()) {
    if (!(model instanceof SkyModel)) continue;
    const type = model.spectralModel.tag[0];
    const title = `${model.name}: ${type} fitted to '${dataset.name}'`;
    const points = fluxPoints[model.name]?.toSpectrumPoints();
    const options = { ...figure(model.name, title), energyBounds, title, label: type, fluxPoints: points };
    const { svg, layout } = spectrumSvg(model.spectralModel, options);
    figures.push({ model: model.name, title, svg, layout });
  }
  return figures;
}
