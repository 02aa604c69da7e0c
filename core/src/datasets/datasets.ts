import { NoOverlapError } from "../maps/index.js";
import { Models, type DatasetModel } from "../modeling/sky-model.js";
import type { Parameters } from "../modeling/parameter.js";
import { convert } from "../units/index.js";
import type { MapDataset } from "./map-dataset.js";

/** What a joint fit needs of a dataset (MapDataset, MapDatasetOnOff). */
export interface FitDataset {
  readonly name: string;
  models: Models | Iterable<DatasetModel> | undefined;
  statSum(): number;
}

/**
 * Several datasets fitted together (gammapy 1.0's `Datasets`): the statistic is the sum of
 * theirs; models shared between datasets (the same objects) share their parameters.
 */
export class Datasets<D extends FitDataset = FitDataset> implements Iterable<D> {
  private readonly list: D[];

  constructor(datasets: Iterable<D>) {
    this.list = [...datasets];
    const names = this.list.map((d) => d.name);
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    if (repeated.length > 0) throw new Error(`Datasets: names must be unique, repeated: ${[...new Set(repeated)]}`);
  }

  [Symbol.iterator](): Iterator<D> {
    return this.list[Symbol.iterator]();
  }

  get length(): number {
    return this.list.length;
  }

  get names(): string[] {
    return this.list.map((d) => d.name);
  }

  get(name: string): D {
    const d = this.list.find((x) => x.name === name);
    if (!d) throw new Error(`no dataset '${name}' (datasets: ${this.names.join(", ")})`);
    return d;
  }

  at(i: number): D {
    const d = this.list[i];
    if (!d) throw new RangeError(`Datasets: no dataset at index ${i}`);
    return d;
  }

  /** Every model of every dataset once, in order of first appearance. */
  get models(): Models {
    const seen = new Set<DatasetModel>();
    for (const d of this.list) {
      const models = d.models;
      if (models) for (const m of models) seen.add(m);
    }
    return new Models(seen);
  }

  /** Gives every dataset the models (each keeps those that apply to it). */
  set models(models: Models | Iterable<DatasetModel>) {
    const all = models instanceof Models ? models : new Models(models);
    for (const d of this.list) d.models = all;
  }

  /** The models' parameters, each object once (gammapy's unique parameters). */
  get parameters(): Parameters {
    return this.models.parameters.unique;
  }

  /**
   * One dataset: a copy of the first with all others stacked into it (gammapy's `stack_reduce`;
   * the datasets must be of one kind that stacks).
   */
  stackReduce<S extends D & { readonly tag: string; copy(name?: string): S; stack(other: S): void }>(
    this: Datasets<S>,
    name?: string,
  ): S {
    if (this.list.length === 0) throw new Error("Datasets.stackReduce: no datasets");
    const [first, ...rest] = this.list;
    const out = first.copy(name ?? first.name);
    for (const d of rest) {
      if (d.constructor !== first.constructor)
        throw new Error(`Datasets.stackReduce: '${d.name}' is a ${d.tag}, '${first.name}' a ${first.tag}`);
      out.stack(d);
    }
    return out;
  }

  /**
   * Each dataset on the reconstructed-energy bins between two energies (gammapy 1.0's
   * `slice_by_energy`, see `MapDataset.sliceByEnergy`), under its own name; a dataset whose bins
   * do not reach into the range is left out.
   */
  sliceByEnergy<S extends MapDataset>(
    this: Datasets<S>,
    energyMin: number | string,
    energyMax: number | string,
  ): Datasets<MapDataset> {
    const out: MapDataset[] = [];
    for (const d of this.list) {
      try {
        out.push(d.sliceByEnergy(energyMin, energyMax, d.name));
      } catch (error) {
        if (!(error instanceof NoOverlapError)) throw error;
      }
    }
    return new Datasets(out);
  }

  /** Per dataset, the first and last edge (TeV) of its reconstructed-energy axis (gammapy's `energy_ranges`). */
  energyRanges<S extends MapDataset>(this: Datasets<S>): { energyMin: number[]; energyMax: number[] } {
    const bounds = this.list.map((d) => {
      const axis = d.counts.geom.axisByName("energy");
      const toTeV = axis.unit && axis.unit !== "TeV" ? convert(1, axis.unit, "TeV") : 1;
      return [axis.edges[0] * toTeV, axis.edges[axis.edges.length - 1] * toTeV];
    });
    return { energyMin: bounds.map((b) => b[0]), energyMax: bounds.map((b) => b[1]) };
  }

  /** Whether each dataset's energy axis is aligned with the first's (gammapy's `energy_axes_are_aligned`). */
  energyAxesAreAligned<S extends MapDataset>(this: Datasets<S>): boolean {
    const axes = this.list.map((d) => d.counts.geom.axisByName("energy"));
    return axes.every((a) => axes[0].isAligned(a));
  }

  /** Per dataset, whether any bin enters the statistic (gammapy's `contributes_to_stat`). */
  contributesToStat<S extends MapDataset>(this: Datasets<S>): boolean[] {
    return this.list.map((d) => {
      const mask = d.mask;
      return !mask || mask.some((v) => v !== 0);
    });
  }

  /** The joint statistic: the sum of the datasets'. */
  statSum(): number {
    let total = 0;
    for (const d of this.list) total += d.statSum();
    return total;
  }
}
