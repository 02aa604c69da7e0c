// gammapy 1.0's spectral models: values, integrals, energy fluxes, propagated errors and to_dict
// against scripts/fixtures/spectral_models.py (core/test/fixtures/spectral_models.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ConstantSpectralModel,
  ExpCutoffPowerLaw3FGLSpectralModel,
  ExpCutoffPowerLawSpectralModel,
  GaussianSpectralModel,
  LogParabolaSpectralModel,
  type ParameterInput,
  type ParameterInputs,
  PowerLaw2SpectralModel,
  PowerLawNormSpectralModel,
  PowerLawSpectralModel,
  SmoothBrokenPowerLawSpectralModel,
  type SpectralModel,
  type SpectralOperator,
  TemplateSpectralModel,
  type TemplateInterpKwargs,
  type ValueAndError,
  integrationNodeCount,
} from "../src/modeling/index.js";
import { readFixture } from "./fixtures.js";

interface ModelSpec {
  type: string;
  parameters?: Record<string, number | string>;
  frozen?: Record<string, boolean>;
  from_log10?: boolean;
  energy?: number[];
  energy_unit?: string;
  values?: number[];
  values_unit?: string;
  interp_kwargs?: TemplateInterpKwargs;
  model1?: ModelSpec;
  model2?: ModelSpec | string;
  operator?: SpectralOperator;
}

type Expected = { value: number[]; error: number[] };

interface Case {
  name: string;
  model: ModelSpec;
  covariance: number[];
  parameterNames: string[];
  evaluate: number[];
  spectralIndex: number[];
  evaluateError: Expected;
  integral: number[][];
  energyFlux: number[][];
  integralError: Expected[];
  energyFluxError: Expected[];
  /** For index 1 and 2: gammapy's error propagation of the analytic power law in 40-digit arithmetic. */
  exactIntegralError?: number[][];
  exactEnergyFluxError?: number[][];
  toDict: unknown;
  toDictFull: unknown;
  inverse?: string[];
  extra: { pivotEnergy?: number; ePeak?: number | null; inverse?: number[][] };
}

interface Fixture {
  energy: number[];
  bandSets: Array<{ emin: number[]; emax: number[] }>;
  cases: Case[];
  defaults: Record<string, unknown[]>;
  tags: Record<string, string[]>;
}

const fx = readFixture<Fixture>("spectral_models.json");

type Constructor = new (inputs: ParameterInputs) => SpectralModel;
const CLASSES: Record<string, Constructor> = {
  PowerLawSpectralModel,
  PowerLaw2SpectralModel,
  PowerLawNormSpectralModel,
  ExpCutoffPowerLawSpectralModel,
  ExpCutoffPowerLaw3FGLSpectralModel,
  LogParabolaSpectralModel,
  SmoothBrokenPowerLawSpectralModel,
  ConstantSpectralModel,
  GaussianSpectralModel,
};

/** The model a fixture case describes, built as a user of the port would. */
function build(spec: ModelSpec): SpectralModel {
  if (spec.type === "CompoundSpectralModel") {
    const model1 = build(spec.model1!);
    const model2 = typeof spec.model2 === "string" ? spec.model2 : build(spec.model2!);
    if (spec.operator === "add") return model1.add(model2);
    if (spec.operator === "sub") return model1.subtract(model2);
    return model1.multiply(model2 as SpectralModel);
  }
  const inputs: Record<string, ParameterInput> = { ...spec.parameters };
  for (const [name, frozen] of Object.entries(spec.frozen ?? {})) {
    const value = spec.parameters?.[name];
    inputs[name] = value === undefined ? { frozen } : { value, frozen };
  }
  if (spec.type === "TemplateSpectralModel")
    return new TemplateSpectralModel({
      energy: spec.energy!,
      energyUnit: spec.energy_unit,
      values: spec.values!,
      valuesUnit: spec.values_unit,
      norm: inputs.norm,
      interpKwargs: spec.interp_kwargs,
    });
  if (spec.from_log10) {
    const { beta, ...rest } = inputs;
    return LogParabolaSpectralModel.fromLog10({ ...rest, beta: beta as number });
  }
  const cls = CLASSES[spec.type];
  assert.ok(cls, `no class ${spec.type}`);
  return new cls(inputs);
}

/** Largest |a − e|/max(|e|, floor) (an expected 0 must come out 0 without a floor; null is NaN). */
function maxRel(actual: ArrayLike<number>, expected: ArrayLike<number | null>, what: string, floor = 0): number {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e === null) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: ${a}, expected NaN`);
      continue;
    }
    const scale = Math.max(Math.abs(e), floor);
    const d = scale === 0 ? (a === 0 ? 0 : Infinity) : Math.abs(a - e) / scale;
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

// The spectral index is a difference quotient over a 1e-5 step: rounding of dN/dE grows 1e5-fold
// (compared relative to max(|index|, 1), as it crosses 0 at a Gaussian's mean). `nearSingular`:
// gammapy's own errors of a power-law integral at index 1 (energy flux: 2), whose 1e-5 differences
// lose digits in its (Emax/E0)^s − (Emin/E0)^s; the port is checked there against the same rule
// in exact arithmetic instead (as `error`).
const TOLERANCE = { evaluate: 1e-12, index: 1e-9, integral: 1e-9, error: 1e-6, nearSingular: 3e-5 };
type Kind = keyof typeof TOLERANCE;

/** Per case and kind, the largest relative deviation (for the summary). */
const reached = new Map<string, Record<Kind, number>>();

function check(name: string, kind: Kind, actual: ArrayLike<number>, expected: ArrayLike<number | null>, what: string) {
  const d = maxRel(actual, expected, `${name} ${what}`, kind === "index" ? 1 : 0);
  const entry = reached.get(name) ?? { evaluate: 0, index: 0, integral: 0, error: 0, nearSingular: 0 };
  entry[kind] = Math.max(entry[kind], d);
  reached.set(name, entry);
  assert.ok(d <= TOLERANCE[kind], `${name} ${what}: relative deviation ${d.toExponential(2)} > ${TOLERANCE[kind]}`);
}

function checkPair(
  name: string,
  kind: Kind,
  actual: ValueAndError,
  expected: Expected,
  what: string,
  exact?: number[],
) {
  check(name, kind, actual.value, expected.value, `${what} value`);
  if (exact) {
    check(name, "error", actual.error, exact, `${what} error (exact arithmetic)`);
    check(name, "nearSingular", actual.error, expected.error, `${what} error (gammapy)`);
  } else check(name, "error", actual.error, expected.error, `${what} error`);
}

/** NaN as null, as the fixture writes it (JSON has no NaN). */
const jsonable = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

/**
 * Deep equality with numbers to 4e-16 relative: gammapy's values can be an ulp off the correctly
 * rounded one (LogParabola.from_log10 divides by numpy's log(10), 1 ulp below ln 10).
 */
function assertDictEqual(actual: unknown, expected: unknown, path = "dict"): void {
  if (typeof expected === "number" && typeof actual === "number") {
    assert.ok(Math.abs(actual - expected) <= 4e-16 * Math.abs(expected), `${path}: ${actual} vs ${expected}`);
  } else if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${path}: ${JSON.stringify(actual)}`);
    assert.equal(Array.isArray(actual), Array.isArray(expected), `${path}: array or not`);
    const keys = Object.keys(expected).sort();
    assert.deepEqual(Object.keys(actual).sort(), keys, `${path}: keys`);
    for (const k of keys)
      assertDictEqual((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
  } else assert.equal(actual, expected, path);
}

for (const c of fx.cases) {
  test(`${c.name}: dN/dE, integrals, energy fluxes and errors as gammapy 1.0`, () => {
    const model = build(c.model);
    assert.deepEqual(model.parameters.names, c.parameterNames);
    model.covariance = c.covariance;
    check(c.name, "evaluate", model.evaluate(fx.energy), c.evaluate, "evaluate");
    check(c.name, "index", model.spectralIndex(fx.energy), c.spectralIndex, "spectralIndex");
    checkPair(c.name, "evaluate", model.evaluateError(fx.energy), c.evaluateError, "evaluateError");
    fx.bandSets.forEach(({ emin, emax }, k) => {
      check(c.name, "integral", model.integral(emin, emax), c.integral[k], `integral[${k}]`);
      check(c.name, "integral", model.energyFlux(emin, emax), c.energyFlux[k], `energyFlux[${k}]`);
      const { exactIntegralError: exactFlux, exactEnergyFluxError: exactEflux } = c;
      const flux = model.integralError(emin, emax);
      checkPair(c.name, "integral", flux, c.integralError[k], `integralError[${k}]`, exactFlux?.[k]);
      const eflux = model.energyFluxError(emin, emax);
      checkPair(c.name, "integral", eflux, c.energyFluxError[k], `energyFluxError[${k}]`, exactEflux?.[k]);
    });
  });

  test(`${c.name}: toDict as gammapy's to_dict (defaults omitted), and in full`, () => {
    const model = build(c.model);
    model.covariance = c.covariance;
    assertDictEqual(jsonable(model.toDict()), c.toDict);
    assertDictEqual(jsonable(model.toDict(true)), c.toDictFull);
  });
}

test("pivot energy, SED peak and inverse as gammapy 1.0", () => {
  for (const c of fx.cases) {
    const model = build(c.model) as SpectralModel & { pivotEnergy?: number; ePeak?: number };
    model.covariance = c.covariance;
    if (c.extra.pivotEnergy !== undefined)
      check(c.name, "evaluate", [model.pivotEnergy!], [c.extra.pivotEnergy], "pivot");
    if (c.extra.ePeak !== undefined) check(c.name, "evaluate", [model.ePeak!], [c.extra.ePeak], "ePeak");
    c.extra.inverse?.forEach((roots, k) => {
      const value = Number.parseFloat(c.inverse![k]); // the fixture's quantities are in cm-2 s-1 TeV-1
      // analytic (power laws) to rounding; numeric roots to brentq's tolerance, 2e-12 TeV
      check(c.name, "integral", model.inverse(value), roots, `inverse(${c.inverse![k]})`);
    });
  }
});

test("each class declares gammapy 1.0's parameters (names, defaults, units, limits, frozen, interp, is_norm)", () => {
  for (const [name, cls] of Object.entries(CLASSES)) {
    const model = new cls({});
    assert.deepEqual(jsonable(model.toDict(true).parameters), fx.defaults[name], name);
    assert.deepEqual(model.tag, fx.tags[name], `${name} tags`);
  }
  const template = new TemplateSpectralModel({ energy: [1, 2], values: [1, 2] });
  assert.deepEqual(jsonable(template.toDict(true).parameters), fx.defaults.TemplateSpectralModel);
  assert.deepEqual(template.tag, fx.tags.TemplateSpectralModel);
  const compound = new PowerLawSpectralModel().add(new ConstantSpectralModel());
  assert.deepEqual(compound.tag, ["CompoundSpectralModel", "compound"]);
});

test("numeric integrals: one grid size per call, the widest band's; 2 points at least", () => {
  assert.equal(integrationNodeCount([0.1], [100]), 300);
  assert.equal(integrationNodeCount([0.1, 0.5, 2, 10, 0.3], [0.5, 2, 10, 100, 30]), 200);
  assert.equal(integrationNodeCount([1, 7], [1.02, 7.1]), 2);
  assert.throws(() => integrationNodeCount([0], [1]), /needs positive energies/);
  // a band's value depends on its companions, as in gammapy: alone, [0.1, 0.5] gets 69 points, not 200
  const ecpl = new ExpCutoffPowerLawSpectralModel();
  const alone = ecpl.integral([0.1], [0.5])[0];
  const together = ecpl.integral([0.1, 0.3], [0.5, 30])[0];
  assert.notEqual(alone, together);
  assert.ok(Math.abs(alone / together - 1) < 1e-4);
});

test("parameters in other units are read converted, and units given in the canonical ones are not parsed", () => {
  const pl = new PowerLawSpectralModel({ amplitude: "1e-8 m-2 s-1 TeV-1", reference: "1000 GeV" });
  const canonical = new PowerLawSpectralModel({ amplitude: "1e-12 cm-2 s-1 TeV-1", reference: "1 TeV" });
  const e = [0.3, 3, 30];
  const d = maxRel(pl.evaluate(e), Array.from(canonical.evaluate(e)), "units");
  assert.ok(d < 1e-15, `${d}`);
  // evaluateInto writes into a caller's buffer: no allocation in a fit loop
  const out = new Float64Array(3);
  assert.equal(canonical.evaluateInto(e, out), out);
  assert.throws(
    () => new PowerLawSpectralModel({ amplitude: "1e-12 cm-2 s-1" }).evaluate(e),
    /cannot convert 'cm-2 s-1' to 'cm-2 s-1 TeV-1'/,
  );
});

test("errors restore the parameters; frozen parameters and zero errors add nothing", () => {
  const model = new LogParabolaSpectralModel({ alpha: 2.1, beta: 0.2 });
  model.covariance = [1e-26, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0.01, 0.001, 0, 0, 0.001, 0.0004];
  const before = model.parameters.toArray().map((p) => p.factor);
  const { value, error } = model.evaluateError([1, 10]);
  assert.deepEqual(
    model.parameters.toArray().map((p) => p.factor),
    before,
  );
  assert.deepEqual(Array.from(value), Array.from(model.evaluate([1, 10])));
  // at E = E0 only the amplitude matters: the error is the amplitude's
  assert.ok(Math.abs(error[1] / 1e-13 - 1) < 1e-9, `${error[1]}`);
});

test("template interpolation: bounds_error refuses energies outside the table", () => {
  const t = new TemplateSpectralModel({
    energy: [1, 10],
    values: [1e-12, 1e-13],
    valuesUnit: "cm-2 s-1 TeV-1",
    interpKwargs: { extrapolate: false },
  });
  assert.ok(Math.abs(t.evaluate([Math.sqrt(10)])[0] / Math.sqrt(1e-25) - 1) < 1e-14, "log-log midpoint");
  assert.throws(() => t.evaluate([20]), /outside the table/);
  assert.throws(() => new TemplateSpectralModel({ energy: [2, 1], values: [1, 1] }), /strictly increasing/);
});

test("agreement reached (largest relative deviation from gammapy 1.0)", (t) => {
  const rows = [...reached].map(
    ([name, r]) =>
      `${name.padEnd(22)} evaluate ${r.evaluate.toExponential(1)}  index ${r.index.toExponential(1)}` +
      `  integral ${r.integral.toExponential(1)}  error ${r.error.toExponential(1)}` +
      (r.nearSingular > 0 ? `  (gammapy's own near index 1/2: ${r.nearSingular.toExponential(1)})` : ""),
  );
  for (const row of rows) t.diagnostic(row);
  assert.ok(rows.length >= fx.cases.length);
});
