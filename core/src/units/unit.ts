import { didYouMean } from "../utils/did-you-mean.js";

/**
 * Physical units: a scale factor to SI-like base units and integer exponents of the base
 * dimensions. Angles are a dimension of their own (rad), so sr = rad² and deg² ↔ sr converts.
 * Photon and count factors are dimensionless, as gammapy strips them from map units.
 */
/** Exponents of the base dimensions, in this order: angle (rad), length (m), time (s), mass (kg). */
type Exponents = [number, number, number, number];

export class Unit {
  constructor(
    readonly scale: number,
    readonly exponents: Readonly<Exponents>,
    /** The unit as written (normalised FITS syntax), used for display and FITS headers. */
    readonly text: string,
  ) {}

  get isDimensionless(): boolean {
    return this.exponents.every((e) => e === 0);
  }

  isCompatible(other: Unit): boolean {
    return this.exponents.every((e, i) => e === other.exponents[i]);
  }

  /** Factor that converts a value in this unit to `other`. */
  factorTo(other: Unit): number {
    if (!this.isCompatible(other)) {
      throw new UnitError(`cannot convert '${this.text || "dimensionless"}' to '${other.text || "dimensionless"}'`);
    }
    return this.scale / other.scale;
  }

  times(other: Unit, power = 1): Unit {
    const exps = this.exponents.map((e, i) => e + power * other.exponents[i]) as Exponents;
    return new Unit(this.scale * other.scale ** power, exps, "");
  }

  toString(): string {
    return this.text;
  }
}

export class UnitError extends Error {
  override name = "UnitError";
}

const DEG = Math.PI / 180;
const EV = 1.602176634e-19; // J
const unitDef = (scale: number, rad: number, m: number, s: number, kg: number) => ({
  scale,
  exps: [rad, m, s, kg] as Exponents,
});

/** Units by symbol; `prefixable` ones accept SI prefixes (kg is written as g with prefix k). */
const BASE_UNITS: Record<string, { scale: number; exps: Exponents; prefixable?: boolean }> = {
  rad: { ...unitDef(1, 1, 0, 0, 0), prefixable: true },
  deg: unitDef(DEG, 1, 0, 0, 0),
  arcmin: unitDef(DEG / 60, 1, 0, 0, 0),
  arcsec: { ...unitDef(DEG / 3600, 1, 0, 0, 0) },
  mas: unitDef(DEG / 3.6e6, 1, 0, 0, 0),
  sr: unitDef(1, 2, 0, 0, 0),
  m: { ...unitDef(1, 0, 1, 0, 0), prefixable: true },
  pc: { ...unitDef(3.085677581491367e16, 0, 1, 0, 0), prefixable: true },
  s: { ...unitDef(1, 0, 0, 1, 0), prefixable: true },
  min: unitDef(60, 0, 0, 1, 0),
  h: unitDef(3600, 0, 0, 1, 0),
  d: unitDef(86400, 0, 0, 1, 0),
  yr: unitDef(365.25 * 86400, 0, 0, 1, 0),
  Hz: { ...unitDef(1, 0, 0, -1, 0), prefixable: true },
  g: { ...unitDef(1e-3, 0, 0, 0, 1), prefixable: true },
  eV: { ...unitDef(EV, 0, 2, -2, 1), prefixable: true },
  J: { ...unitDef(1, 0, 2, -2, 1), prefixable: true },
  erg: unitDef(1e-7, 0, 2, -2, 1),
  ph: unitDef(1, 0, 0, 0, 0),
  photon: unitDef(1, 0, 0, 0, 0),
  ct: unitDef(1, 0, 0, 0, 0),
  count: unitDef(1, 0, 0, 0, 0),
  "%": unitDef(0.01, 0, 0, 0, 0),
};

/** Long names astropy also accepts (it is case-sensitive, and so are we: "Deg", "tev" are refused). */
const ALIASES: Record<string, string> = {
  degree: "deg",
  arcminute: "arcmin",
  arcsecond: "arcsec",
  radian: "rad",
  steradian: "sr",
  second: "s",
  minute: "min",
  hour: "h",
  hr: "h",
  day: "d",
  year: "yr",
  meter: "m",
  electronvolt: "eV",
};

/** What an unknown unit is compared with for a suggestion: every symbol, alias and the usual prefixed ones. */
const SUGGESTED = [
  ...Object.keys(BASE_UNITS),
  ...Object.keys(ALIASES),
  ...["TeV", "GeV", "MeV", "keV", "cm", "km", "ms", "mrad"],
];

const PREFIXES: Record<string, number> = {
  E: 1e18,
  P: 1e15,
  T: 1e12,
  G: 1e9,
  M: 1e6,
  k: 1e3,
  h: 1e2,
  da: 1e1,
  d: 1e-1,
  c: 1e-2,
  m: 1e-3,
  u: 1e-6,
  µ: 1e-6,
  n: 1e-9,
  p: 1e-12,
  f: 1e-15,
};

function lookupSymbol(symbol: string, context: string): Unit {
  const direct = BASE_UNITS[ALIASES[symbol] ?? symbol];
  if (direct) return new Unit(direct.scale, direct.exps, symbol);
  for (const [prefix, factor] of Object.entries(PREFIXES)) {
    if (!symbol.startsWith(prefix)) continue;
    const base = BASE_UNITS[symbol.slice(prefix.length)];
    if (base?.prefixable) return new Unit(base.scale * factor, base.exps, symbol);
  }
  throw new UnitError(`unknown unit '${symbol}' in '${context}'${didYouMean(symbol, SUGGESTED)}`);
}

/**
 * Parsed units by their text. Not in the compute cache: small (a few hundred bytes each) and
 * looked up at every conversion; the texts met are a file format's few, the cap bounds the rest.
 */
const cache = new Map<string, Unit>();
const CACHE_MAX = 1024;

/**
 * Parse a unit string in FITS / astropy syntax: factors separated by spaces, '.' or '*',
 * exponents as "cm-2", "cm**-2", "cm^-2" or "cm(-2)", one '/' dividing by what follows
 * (a factor or a parenthesised group), e.g. "cm-2 s-1 TeV-1", "m2 s", "1/s", "erg / (cm2 s)".
 */
export function parseUnit(text: string | Unit): Unit {
  if (text instanceof Unit) return text;
  const key = text.trim();
  const cached = cache.get(key);
  if (cached) return cached;
  const tokens = tokenize(key);
  const leftover = tokens.reduce((rest, t) => rest.replace(t, ""), key.replace(/\*\*/g, "^")).replace(/[\s.*]/g, "");
  if (leftover) throw new UnitError(`cannot parse '${leftover}' in unit '${key}'`);
  const unit = parseProduct(tokens, key);
  const result = new Unit(unit.scale, unit.exponents, normalise(key));
  if (cache.size >= CACHE_MAX) cache.clear(); // parsing is deterministic: a later miss gives an equal unit
  cache.set(key, result);
  return result;
}

function tokenize(text: string): string[] {
  return text.replace(/\*\*/g, "^").match(/[A-Za-zµ%]+(\^?\(?[-+]?\d+\)?)?|\/|\(|\)|\d+(\.\d+)?/g) ?? [];
}

function parseProduct(tokens: string[], context: string): Unit {
  let unit = new Unit(1, [0, 0, 0, 0], "");
  let i = 0;
  const factor = (): Unit => {
    const token = tokens[i++];
    if (token === undefined) throw new UnitError(`unit '${context}' ends unexpectedly`);
    if (token === "(") {
      const start = i;
      let depth = 1;
      while (i < tokens.length && depth > 0) {
        if (tokens[i] === "(") depth++;
        if (tokens[i] === ")") depth--;
        i++;
      }
      if (depth !== 0) throw new UnitError(`unbalanced parentheses in unit '${context}'`);
      return parseProduct(tokens.slice(start, i - 1), context);
    }
    if (/^\d/.test(token)) {
      if (Number(token) !== 1) throw new UnitError(`unsupported numeric factor '${token}' in unit '${context}'`);
      return new Unit(1, [0, 0, 0, 0], "");
    }
    const m = /^([A-Za-zµ%]+?)(?:\^?\(?([-+]?\d+)\)?)?$/.exec(token);
    if (!m) throw new UnitError(`cannot parse '${token}' in unit '${context}'`);
    const base = lookupSymbol(m[1], context);
    const power = m[2] === undefined ? 1 : Number(m[2]);
    return new Unit(1, [0, 0, 0, 0], "").times(base, power);
  };
  while (i < tokens.length) {
    if (tokens[i] === "/") {
      i++;
      unit = unit.times(factor(), -1);
    } else if (tokens[i] === ")") {
      throw new UnitError(`unbalanced parentheses in unit '${context}'`);
    } else {
      unit = unit.times(factor());
    }
  }
  return unit;
}

/** Collapse whitespace; "" stays dimensionless. */
function normalise(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
