import { WcsNDMap, type WcsGeom } from "../maps/index.js";
import {
  FoVBackgroundModel,
  Models,
  scaledByEnergy,
  SkyModel,
  TemplateNPredModel,
  type DatasetModel,
} from "../modeling/sky-model.js";
import { MapEvaluator, type EDispSource } from "./map-evaluator.js";
import type { PSFMap } from "./psf-map.js";

/** What the evaluation reads from its dataset (a MapDataset). */
export interface EvaluatedDataset {
  readonly name: string;
  readonly exposure?: WcsNDMap;
  readonly psf?: PSFMap;
  readonly edisp?: EDispSource;
  readonly background?: WcsNDMap;
  readonly maskImage: WcsNDMap;
  readonly geom: WcsGeom;
}

/**
 * The models of one dataset and their evaluators (gammapy 1.0's `MapDataset.models` setter):
 * the models selected for the dataset by name, one evaluator per sky model, and the dataset's
 * background model (`<name>-bkg`) if any.
 */
export class DatasetEvaluation {
  readonly models: Models;
  readonly evaluators = new Map<string, MapEvaluator>();
  readonly backgroundModel?: FoVBackgroundModel;
  /** Predicted-counts templates: evaluated on their own maps, no IRFs (gammapy's global mode). */
  readonly templates: TemplateNPredModel[] = [];
  private backgroundValues?: number[];
  private signalBuffer?: WcsNDMap;
  private backgroundCache?: WcsNDMap;

  constructor(datasetName: string, models: Models | Iterable<DatasetModel>) {
    const all = models instanceof Models ? models : new Models(models);
    this.models = all.select(datasetName);
    for (const model of this.models) {
      if (model instanceof SkyModel) this.evaluators.set(model.name, new MapEvaluator(model));
      else if (model instanceof FoVBackgroundModel && model.name === `${datasetName}-bkg`) this.backgroundModel = model;
      else if (model instanceof TemplateNPredModel) this.templates.push(model);
    }
  }

  /** Predicted counts of the sky models (or of one of them) on the dataset's geometry. */
  npredSignal(dataset: EvaluatedDataset, modelName?: string, into?: WcsNDMap): WcsNDMap {
    const total = into ?? WcsNDMap.fromGeom(dataset.geom, { dtype: "float64" });
    const template = modelName === undefined ? undefined : this.templates.find((t) => t.name === modelName);
    if (template) {
      total.stack(template.evaluate());
      return total;
    }
    const evaluators = modelName === undefined ? [...this.evaluators.values()] : [this.evaluator(modelName)];
    if (modelName === undefined) for (const t of this.templates) total.stack(t.evaluate());
    for (const evaluator of evaluators) {
      this.updateEvaluator(dataset, evaluator);
      if (evaluator.contributes) total.stack(evaluator.computeNpred());
    }
    return total;
  }

  /** Brings the evaluators' IRFs and cutouts up to date without computing npred (the event sampler's need). */
  updateEvaluators(dataset: EvaluatedDataset): void {
    for (const evaluator of this.evaluators.values()) this.updateEvaluator(dataset, evaluator);
  }

  private updateEvaluator(dataset: EvaluatedDataset, evaluator: MapEvaluator): void {
    if (!evaluator.needsUpdate) return;
    if (!dataset.exposure)
      throw new Error(`dataset '${dataset.name}': model '${evaluator.model.name}' needs an exposure map`);
    evaluator.update(dataset.exposure, dataset.psf, dataset.edisp, dataset.geom, dataset.maskImage);
  }

  /**
   * All models' predicted counts in a map this evaluation reuses (zeroed first): for the
   * statistic, which reads it at once, in a fit's thousands of evaluations.
   */
  npredSignalScratch(dataset: EvaluatedDataset): WcsNDMap {
    const geom = dataset.geom;
    if (!this.signalBuffer || this.signalBuffer.geom !== geom)
      this.signalBuffer = WcsNDMap.fromGeom(geom, { dtype: "float64" });
    else this.signalBuffer.data.fill(0);
    return this.npredSignal(dataset, undefined, this.signalBuffer);
  }

  /** The background map × the background model's norm per energy plane (recomputed when its parameters change). */
  npredBackground(background: WcsNDMap): WcsNDMap {
    const model = this.backgroundModel;
    if (!model) return background;
    const values = model.parameters.values;
    if (this.backgroundCache && this.backgroundValues && values.every((v, i) => v === this.backgroundValues![i]))
      return this.backgroundCache;
    this.backgroundValues = values;
    this.backgroundCache = scaledByEnergy(background, model.spectralModel);
    return this.backgroundCache;
  }

  private evaluator(name: string): MapEvaluator {
    const e = this.evaluators.get(name);
    if (!e) throw new Error(`no sky model '${name}' on this dataset (has: ${[...this.evaluators.keys()].join(", ")})`);
    return e;
  }
}
