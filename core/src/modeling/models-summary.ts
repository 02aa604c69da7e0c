import type { Parameter } from "./parameter.js";
import { FoVBackgroundModel, SkyModel, type Models } from "./sky-model.js";

// gammapy 1.0's str(models), as print(dataset) shows it: tabs expanded to 2 columns, as Python's
// expandtabs does (to the next multiple of 2), at each level gammapy expands them.

/** Python's str.expandtabs(2). */
function expandTabs(line: string): string {
  let out = "";
  for (const ch of line) {
    if (ch === "\t") out += " ".repeat(2 - (out.length % 2));
    else out += ch;
  }
  return out;
}

/** Python's "{:W.Pe}": two-digit exponents, right-aligned to W (nan for NaN). */
export function pyExp(x: number, digits: number, width = 0): string {
  const s = Number.isFinite(x) ? x.toExponential(digits).replace(/e([+-])(\d)$/, "e$10$2") : "nan";
  return s.padStart(width);
}

function pyFixed(x: number, digits: number, width: number): string {
  return (Number.isFinite(x) ? x.toFixed(digits) : "nan").padStart(width);
}

/** A unit as astropy writes it in text: "cm-2 s-1 TeV-1" → "1 / (cm2 s TeV)". */
export function astropyUnitString(unit: string): string {
  const parts = unit.split(/\s+/).filter(Boolean);
  const pos: string[] = [];
  const neg: string[] = [];
  for (const p of parts) {
    const m = /^([A-Za-z]+)(-?\d+)?$/.exec(p);
    if (!m) return unit;
    const power = m[2] === undefined ? 1 : Number(m[2]);
    const name = m[1] + (Math.abs(power) === 1 ? "" : String(Math.abs(power)));
    (power < 0 ? neg : pos).push(name);
  }
  if (neg.length === 0) return pos.join(" ");
  const denominator = neg.length === 1 ? neg[0] : `(${neg.join(" ")})`;
  return `${pos.length ? pos.join(" ") : "1"} / ${denominator}`;
}

/** gammapy's `_get_parameters_str`: one line per parameter. */
function parameterLines(parameters: Iterable<Parameter>): string[] {
  const lines: string[] = [];
  for (const p of parameters) {
    const amplitude = p.name === "amplitude";
    const value = amplitude ? pyExp(p.value, 2, 10) : pyFixed(p.value, 3, 10);
    const error = p.frozen ? "\t\t" : `+/- ${amplitude ? pyExp(p.error, 1, 7) : pyFixed(p.error, 2, 7)}`;
    const name = p.linkLabel ?? p.name;
    const frozen = p.frozen ? "(frozen)" : "";
    const unit = astropyUnitString(p.unit).padEnd(12);
    lines.push(expandTabs(`\t${name.padEnd(21)} ${frozen.padEnd(8)}: ${value}\t ${error} ${unit}`));
  }
  return lines;
}

const row = (label: string, value: string) => `\t${label.padEnd(26)}: ${value}`;
const pyList = (names: readonly string[] | undefined) =>
  names ? `[${names.map((n) => `'${n}'`).join(", ")}]` : "None";

/** The lines of gammapy's str(models) after its "Models" title and blank line. */
export function modelsSummaryLines(models: Models): string[] {
  const out: string[] = [];
  models.toArray().forEach((model, i) => {
    const lines: string[] = [];
    if (model instanceof SkyModel) {
      lines.push(
        `Component ${i}: SkyModel`,
        "",
        row("Name", model.name),
        row("Datasets names", pyList(model.datasetsNames)),
        row("Spectral model type", model.spectralModel.tag[0]),
        row("Spatial  model type", model.spatialModel?.tag[0] ?? ""),
        row("Temporal model type", ""),
      );
    } else if (model instanceof FoVBackgroundModel) {
      lines.push(
        `Component ${i}: FoVBackgroundModel`,
        "",
        row("Name", model.name),
        row("Datasets names", pyList(model.datasetsNames)),
        row("Spectral model type", model.spectralModel.tag[0]),
      );
    } else lines.push(`Component ${i}: ${model.type ?? "DatasetModel"}`, "", row("Name", model.name));
    lines.push("\tParameters:", ...parameterLines(model.parameters).map((l) => `\t${l}`), "");
    out.push(...lines.map(expandTabs));
  });
  // each component's text ends with a blank line; the last one's with two
  return [...out, ""];
}
