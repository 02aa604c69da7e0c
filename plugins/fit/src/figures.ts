import {
  SkyModel,
  skyImageSvg,
  spectrumSvg,
  type FigureOptions,
  type MapDataset,
  type Models,
  type SkyImage,
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
}

/** The spectrum figure of each sky model of `models` fitted to `dataset`; `figure` gives each its page options. */
export function spectrumFigures(
  models: Models,
  dataset: MapDataset,
  figure: (model: string, title: string) => FigureOptions = () => ({}),
): SpectrumFigure[] {
  const edges = dataset.counts.geom.axisByName("energy").edges;
  const energyBounds = [edges[0], edges[edges.length - 1]] as const;
  const figures: SpectrumFigure[] = [];
  for (const model of models.toArray()) {
    if (!(model instanceof SkyModel)) continue;
    const type = model.spectralModel.tag[0];
    const title = `${model.name}: ${type} fitted to '${dataset.name}'`;
    const options = { ...figure(model.name, title), energyBounds, title, label: type };
    figures.push({ model: model.name, title, svg: spectrumSvg(model.spectralModel, options).svg });
  }
  return figures;
}
