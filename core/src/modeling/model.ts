import { Covariance } from "./covariance.js";
import { Parameter, Parameters, type ParameterDict, type ParameterOptions, type ParameterType } from "./parameter.js";

// gammapy 1.0's ModelBase (gammapy/modeling/models/core.py): each model class declares its
// parameters with defaults; every instance gets its own copies, or a Parameter object passed in
// (shared with another model: a link).

/** A declared parameter: its name and default value (a number in `unit`, or a quantity string). */
export interface ParameterSpec extends Omit<ParameterOptions, "value"> {
  name: string;
  value: number | string;
}

/** How a caller sets a parameter: a number (in the default unit), a quantity string, options, or a shared Parameter. */
export type ParameterInput = number | string | ParameterOptions | Parameter;

export type ParameterInputs = Record<string, ParameterInput | undefined>;

/** A model's YAML entry (gammapy 1.0): `{ type, parameters, …}`, nested under its kind in a SkyModel. */
export interface ModelDict {
  type: string;
  parameters?: Array<Partial<ParameterDict> & { name: string }>;
  [key: string]: unknown;
}

export abstract class Model {
  readonly parameters: Parameters;
  private readonly byName: Map<string, Parameter>;
  private covarianceStore?: Covariance;

  /**
   * @param specs the class's declared parameters, in order
   * @param inputs overrides by parameter name; unknown names are refused
   * @param type what the parameters belong to ("spectral", "spatial", …)
   */
  protected constructor(specs: readonly ParameterSpec[], inputs: ParameterInputs = {}, type: ParameterType = "") {
    const known = new Set(specs.map((s) => s.name));
    const unknown = Object.keys(inputs).filter((k) => inputs[k] !== undefined && !known.has(k));
    if (unknown.length > 0)
      throw new Error(`${tagOf(this)}: unknown parameter(s) ${unknown.join(", ")} (has: ${[...known].join(", ")})`);
    const list = specs.map((spec) => makeParameter(spec, inputs[spec.name], type));
    this.parameters = new Parameters(list);
    this.byName = new Map(list.map((p) => [p.name, p]));
  }

  /** The class's tags (gammapy's `tag`): the first is written, all are read. */
  abstract get tag(): readonly string[];

  /** The parameter of this model named `name`. */
  parameter(name: string): Parameter {
    const p = this.byName.get(name);
    if (!p) throw new Error(`${this.tag[0]}: no parameter '${name}'`);
    return p;
  }

  /**
   * The covariance of this model's parameters; without one set, the diagonal of their errors
   * (an undefined error counting as 1, as gammapy).
   */
  get covariance(): Covariance {
    if (!this.covarianceStore) this.covarianceStore = new Covariance(this.parameters);
    for (const p of this.parameters) {
      const variance = Number.isNaN(p.error) ? 1 : p.error ** 2;
      this.covarianceStore.setSubcovariance(new Covariance(new Parameters([p]), [variance]));
    }
    return this.covarianceStore;
  }

  /** Sets the covariance (n×n over `parameters`) and each parameter's error from its diagonal. */
  set covariance(value: Covariance | ArrayLike<number>) {
    const data = value instanceof Covariance ? value.data : value;
    this.covarianceStore = new Covariance(this.parameters, data);
    const n = this.parameters.length;
    this.parameters.toArray().forEach((p, i) => {
      p.error = Math.sqrt(this.covarianceStore!.data[i * n + i]);
    });
  }

  /** gammapy 1.0's `to_dict`: the type tag and the parameters (defaults omitted unless `fullOutput`). */
  toDict(fullOutput = false): ModelDict {
    const defaults = this.defaultParameters();
    const parameters = this.parameters.toArray().map((p, i) => {
      const entry: Partial<ParameterDict> & { name: string } = p.toDict();
      if (fullOutput) return entry;
      const init = defaults[i].toDict();
      for (const key of ["min", "max", "error", "interp", "scale_method", "is_norm"] as const) {
        const a = entry[key];
        const b = init[key];
        if (a === b || (Number.isNaN(a) && Number.isNaN(b))) delete entry[key];
      }
      if (entry.frozen === init.frozen) delete entry.frozen;
      if (init.unit === "") delete entry.unit;
      return entry;
    });
    return { type: this.tag[0], parameters };
  }

  /** The parameters as the class declares them (for `toDict`'s defaults). */
  protected abstract defaultParameters(): Parameter[];
}

/** A Parameter from its declaration and a caller's input. */
export function makeParameter(spec: ParameterSpec, input: ParameterInput | undefined, type: ParameterType): Parameter {
  if (input instanceof Parameter) return input;
  const { name, value, ...options } = spec;
  const p = new Parameter(name, value, options);
  p.type = type;
  if (input === undefined) return p;
  if (typeof input === "number") p.value = input;
  else if (typeof input === "string") p.quantity = input;
  else {
    if (input.unit !== undefined) p.unit = input.unit;
    if (input.value !== undefined) {
      if (typeof input.value === "string") p.quantity = input.value;
      else p.value = input.value;
    }
    if (input.min !== undefined) p.min = input.min;
    if (input.max !== undefined) p.max = input.max;
    if (input.frozen !== undefined) p.frozen = input.frozen;
    if (input.error !== undefined) p.error = input.error;
    if (input.scaleMethod !== undefined) p.scaleMethod = input.scaleMethod;
    if (input.interp !== undefined) p.interp = input.interp;
  }
  return p;
}

/** Fresh parameters from declarations (what `defaultParameters` returns). */
export function declaredParameters(specs: readonly ParameterSpec[], type: ParameterType): Parameter[] {
  return specs.map((s) => makeParameter(s, undefined, type));
}

/**
 * A model's first tag, also in its constructor (each class's tag is a getter on its prototype,
 * there before any field): errors name models by tag, since a minifier renames classes.
 */
export function tagOf(model: Model): string {
  return (model as unknown as { tag: readonly string[] }).tag[0];
}
