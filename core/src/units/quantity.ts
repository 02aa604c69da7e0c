import { parseUnit, type Unit, UnitError } from "./unit.js";

/** A value with a unit. */
export class Quantity {
  readonly unit: Unit;

  constructor(
    readonly value: number,
    unit: string | Unit = "",
  ) {
    this.unit = parseUnit(unit);
  }

  to(unit: string | Unit): Quantity {
    const target = parseUnit(unit);
    return new Quantity(this.value * this.unit.factorTo(target), target);
  }

  toString(): string {
    return this.unit.text ? `${this.value} ${this.unit.text}` : String(this.value);
  }
}

const NUMBER = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)$/;

/**
 * A quantity from "3 deg", "0.3 TeV", "1e-11 cm-2 s-1 TeV-1", or a bare number. When
 * `expected` is given, the quantity is converted to it (a bare number is taken in it).
 */
export function parseQuantity(input: string | number | Quantity, expected?: string): Quantity {
  let quantity: Quantity;
  if (input instanceof Quantity) {
    quantity = input;
  } else if (typeof input === "number") {
    quantity = new Quantity(input, expected ?? "");
  } else {
    const m = NUMBER.exec(input);
    if (!m) throw new UnitError(`cannot read a number from '${input}'`);
    const unitText = m[2].trim();
    quantity = new Quantity(Number(m[1]), unitText === "" && expected !== undefined ? expected : unitText);
  }
  return expected === undefined ? quantity : quantity.to(expected);
}

/** Convert a value from one unit to another. */
export function convert(value: number, from: string | Unit, to: string | Unit): number {
  return value * parseUnit(from).factorTo(parseUnit(to));
}

export function unitsCompatible(a: string | Unit, b: string | Unit): boolean {
  return parseUnit(a).isCompatible(parseUnit(b));
}
