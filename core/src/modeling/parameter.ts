import { parseQuantity, parseUnit } from "../units/index.js";
import { scaleFor } from "../utils/interpolation/index.js";

// gammapy 1.0's Parameter and Parameters (gammapy/modeling/parameter.py): value = factor × scale;
// the optimiser sees the factors (well scaled), users the values.

export type ScaleMethod = "scale10" | "factor1" | null;
export type ParameterInterp = "lin" | "log" | "sqrt";
/** Which part of a model a parameter belongs to (gammapy's `Parameter.type`). */
export type ParameterType = "spectral" | "spatial" | "temporal" | "";

export interface ParameterOptions {
  /** A number (in `unit`) or a quantity string such as "1e-12 cm-2 s-1 TeV-1" (sets value and unit). */
  value?: number | string;
  unit?: string;
  scale?: number;
  min?: number;
  max?: number;
  frozen?: boolean;
  error?: number;
  scaleMethod?: ScaleMethod;
  interp?: ParameterInterp;
  isNorm?: boolean;
}

export class Parameter {
  readonly name: string;
  factor = 0;
  scale = 1;
  unit = "";
  min: number;
  max: number;
  frozen: boolean;
  error: number;
  scaleMethod: ScaleMethod;
  interp: ParameterInterp;
  readonly isNorm: boolean;
  type: ParameterType = "";
  /** The label of a parameter shared between models in a models file (gammapy's `link`). */
  linkLabel?: string;
  /** How many values a statistic scan takes (gammapy's `scan_n_values`). */
  scanNValues = 11;
  /** The half-width of a statistic scan in errors, without a `scanMin` / `scanMax` (gammapy's `scan_n_sigma`). */
  scanNSigma = 2;
  private scanMinSet?: number;
  private scanMaxSet?: number;
  private scanValuesSet?: number[];

  constructor(name: string, value: number | string, options: Omit<ParameterOptions, "value"> = {}) {
    if (typeof name !== "string" || name === "") throw new TypeError(`Parameter: name must be a string, got ${name}`);
    this.name = name;
    this.scale = options.scale ?? 1;
    this.min = options.min ?? Number.NaN;
    this.max = options.max ?? Number.NaN;
    this.frozen = options.frozen ?? false;
    this.error = options.error ?? 0;
    this.scaleMethod = options.scaleMethod === undefined ? "scale10" : options.scaleMethod;
    this.interp = options.interp ?? "lin";
    this.isNorm = options.isNorm ?? false;
    if (typeof value === "string") this.quantity = value;
    else {
      this.factor = value;
      this.unit = options.unit ?? "";
    }
  }

  get value(): number {
    return this.factor * this.scale;
  }

  set value(v: number) {
    this.factor = v / this.scale;
  }

  /** The low end of a statistic scan: as set, else value − scanNSigma · error (gammapy's `scan_min`). */
  get scanMin(): number {
    return this.scanMinSet ?? this.value - this.error * this.scanNSigma;
  }

  set scanMin(value: number | undefined) {
    this.scanMinSet = value;
  }

  /** The high end of a statistic scan: as set, else value + scanNSigma · error (gammapy's `scan_max`). */
  get scanMax(): number {
    return this.scanMaxSet ?? this.value + this.error * this.scanNSigma;
  }

  set scanMax(value: number | undefined) {
    this.scanMaxSet = value;
  }

  /**
   * The values of a statistic scan: as set, else `scanNValues` from `scanMin` to `scanMax`
   * equally spaced in the parameter's `interp` scale (gammapy's `scan_values`).
   */
  get scanValues(): number[] {
    if (this.scanValuesSet) return [...this.scanValuesSet];
    const scale = scaleFor(this.interp);
    const [lo, hi] = [scale.forward(this.scanMin), scale.forward(this.scanMax)];
    const n = this.scanNValues;
    if (n === 1) return [scale.inverse(lo)];
    const step = (hi - lo) / (n - 1); // numpy's linspace: i · step + lo, the last exactly hi
    return Array.from({ length: n }, (_, i) => scale.inverse(i === n - 1 ? hi : i * step + lo));
  }

  set scanValues(values: readonly number[] | undefined) {
    this.scanValuesSet = values && [...values];
  }

  /** Where a confidence search stops below: `min` when set, else `scanMin` (gammapy's `conf_min`). */
  get confMin(): number {
    return Number.isNaN(this.min) ? this.scanMin : this.min;
  }

  /** Where a confidence search stops above: `max` when set, else `scanMax` (gammapy's `conf_max`). */
  get confMax(): number {
    return Number.isNaN(this.max) ? this.scanMax : this.max;
  }

  /** Sets value and unit from a quantity string ("2 TeV"); a bare number keeps the unit. */
  set quantity(input: string) {
    const q = parseQuantity(input);
    this.value = q.value;
    this.unit = q.unit.text;
  }

  get quantity(): string {
    return this.unit ? `${this.value} ${this.unit}` : String(this.value);
  }

  /** The value in another unit of the same dimension (e.g. a reference energy in TeV). */
  valueIn(unit: string): number {
    if (unit === this.unit) return this.value;
    return this.value * parseUnit(this.unit).factorTo(parseUnit(unit));
  }

  get factorMin(): number {
    return this.min / this.scale;
  }

  get factorMax(): number {
    return this.max / this.scale;
  }

  /**
   * Sets factor and scale by `scaleMethod`: "scale10", scale a power of 10 so that |factor| is in
   * [1, 10); "factor1", factor 1 and scale the value; null, unchanged.
   */
  autoscale(): void {
    if (this.scaleMethod === "scale10") {
      const value = this.value;
      if (value !== 0) {
        const scale = 10 ** Math.floor(Math.log10(Math.abs(value)));
        this.factor = value / scale;
        this.scale = scale;
      }
    } else if (this.scaleMethod === "factor1") {
      const value = this.value;
      this.factor = 1;
      this.scale = value;
    }
  }

  /** Throws when the value lies outside [min, max] (NaN limits are open). */
  checkLimits(): void {
    const v = this.value;
    if (v < this.min || v > this.max)
      throw new RangeError(`parameter '${this.name}': value ${v} outside its limits [${this.min}, ${this.max}]`);
  }

  copy(): Parameter {
    const p = new Parameter(this.name, this.factor, {
      unit: this.unit,
      scale: this.scale,
      min: this.min,
      max: this.max,
      frozen: this.frozen,
      error: this.error,
      scaleMethod: this.scaleMethod,
      interp: this.interp,
      isNorm: this.isNorm,
    });
    p.type = this.type;
    p.linkLabel = this.linkLabel;
    p.scanNValues = this.scanNValues;
    p.scanNSigma = this.scanNSigma;
    p.scanMinSet = this.scanMinSet;
    p.scanMaxSet = this.scanMaxSet;
    p.scanValuesSet = this.scanValuesSet;
    return p;
  }

  /** gammapy 1.0's `to_dict` (the models YAML entry). */
  toDict(): ParameterDict {
    const out: ParameterDict = {
      name: this.name,
      value: this.value,
      unit: this.unit,
      error: this.error,
      min: this.min,
      max: this.max,
      frozen: this.frozen,
      interp: this.interp,
      scale_method: this.scaleMethod,
      is_norm: this.isNorm,
    };
    if (this.linkLabel !== undefined) out.link = this.linkLabel;
    return out;
  }

  toString(): string {
    const unit = this.unit ? ` ${this.unit}` : "";
    return `Parameter(${this.name} = ${this.value}${unit}, min ${this.min}, max ${this.max}, frozen ${this.frozen})`;
  }
}

/** A parameter as gammapy 1.0 writes it in a models YAML file. */
export interface ParameterDict {
  name: string;
  value: number;
  unit: string;
  error: number;
  min: number;
  max: number;
  frozen: boolean;
  interp: ParameterInterp;
  scale_method: ScaleMethod;
  is_norm: boolean;
  link?: string;
}

/** An ordered list of parameters (gammapy's `Parameters`); the same object may appear in several. */
export class Parameters implements Iterable<Parameter> {
  private readonly list: Parameter[];

  constructor(parameters: Iterable<Parameter> = []) {
    this.list = [...parameters];
  }

  /** The concatenation of several lists (duplicates kept; see `unique`). */
  static fromStack(lists: Iterable<Parameters>): Parameters {
    const out: Parameter[] = [];
    for (const l of lists) out.push(...l);
    return new Parameters(out);
  }

  [Symbol.iterator](): Iterator<Parameter> {
    return this.list[Symbol.iterator]();
  }

  get length(): number {
    return this.list.length;
  }

  at(i: number): Parameter {
    const p = this.list[i < 0 ? this.list.length + i : i];
    if (!p) throw new RangeError(`Parameters: no parameter at index ${i} (${this.list.length} parameters)`);
    return p;
  }

  /** The first parameter named `name` (gammapy's `parameters[name]`). */
  get(name: string): Parameter {
    const p = this.list.find((q) => q.name === name);
    if (!p) throw new Error(`no parameter '${name}' (parameters: ${this.names.join(", ")})`);
    return p;
  }

  has(name: string): boolean {
    return this.list.some((q) => q.name === name);
  }

  /** Position of a parameter (by object, else by name). */
  index(key: Parameter | string): number {
    const i = typeof key === "string" ? this.list.findIndex((q) => q.name === key) : this.list.indexOf(key);
    if (i < 0)
      throw new Error(
        `no parameter ${typeof key === "string" ? `'${key}'` : `'${key.name}' (this object)`} in the list`,
      );
    return i;
  }

  get names(): string[] {
    return this.list.map((p) => p.name);
  }

  get freeParameters(): Parameters {
    return new Parameters(this.list.filter((p) => !p.frozen));
  }

  /** Each object once, first occurrence kept (parameters shared between models count once). */
  get unique(): Parameters {
    return new Parameters(new Set(this.list));
  }

  get values(): number[] {
    return this.list.map((p) => p.value);
  }

  set values(values: readonly number[]) {
    if (values.length !== this.list.length)
      throw new Error(`Parameters: ${values.length} values for ${this.list.length} parameters`);
    values.forEach((v, i) => {
      this.list[i].value = v;
    });
  }

  /** Assigns `factors` to the free parameters, in order (the optimiser's interface). */
  setParameterFactors(factors: ArrayLike<number>): void {
    const free = this.list.filter((p) => !p.frozen);
    if (free.length !== factors.length)
      throw new Error(`Parameters: ${factors.length} factors for ${free.length} free parameters`);
    free.forEach((p, k) => {
      p.factor = factors[k];
    });
  }

  autoscale(): void {
    for (const p of this.list) p.autoscale();
  }

  checkLimits(): void {
    for (const p of this.list) p.checkLimits();
  }

  freezeAll(): void {
    for (const p of this.list) p.frozen = true;
  }

  unfreezeAll(): void {
    for (const p of this.list) p.frozen = false;
  }

  /** Runs `fn`, then restores every parameter's frozen flag (and its value, factor and scale). */
  restoreStatus<T>(fn: () => T, restoreValues = true): T {
    const saved = this.list.map((p) => ({ p, factor: p.factor, scale: p.scale, frozen: p.frozen }));
    try {
      return fn();
    } finally {
      for (const s of saved) {
        s.p.frozen = s.frozen;
        if (restoreValues) {
          s.p.scale = s.scale;
          s.p.factor = s.factor;
        }
      }
    }
  }

  concat(other: Parameters): Parameters {
    return new Parameters([...this.list, ...other]);
  }

  toArray(): Parameter[] {
    return [...this.list];
  }

  toDict(): ParameterDict[] {
    return this.list.map((p) => p.toDict());
  }
}
