import { Models, type DatasetModel } from "../modeling/sky-model.js";
import type { Parameters } from "../modeling/parameter.js";

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
  stackReduce<S extends D & { copy(name?: string): S; stack(other: S): void }>(this: Datasets<S>, name?: string): S {
    if (this.list.length === 0) throw new Error("Datasets.stackReduce: no datasets");
    const [first, ...rest] = this.list;
    const out = first.copy(name ?? first.name);
    for (const d of rest) {
      if (d.constructor !== first.constructor)
        throw new Error(
          `Datasets.stackReduce: '${d.name}' is a ${d.constructor.name}, '${first.name}' a ${first.constructor.name}`,
        );
      out.stack(d);
    }
    return out;
  }

  /** The joint statistic: the sum of the datasets'. */
  statSum(): number {
    let total = 0;
    for (const d of this.list) total += d.statSum();
    return total;
  }
}
