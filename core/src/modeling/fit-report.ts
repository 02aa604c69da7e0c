import type { FitResult } from "./fit.js";
import { pyExp } from "./models-summary.js";
import type { Models } from "./sky-model.js";

/** What `gammaflow fit` writes to fit-result.json (and prints with --json). */
export interface FitResultJson {
  success: boolean;
  message: string;
  total_stat: number;
  nfev: number;
  /** `{ "model.parameter": [value, error, frozen] }`, in the models' order. */
  parameters: Record<string, [number, number, boolean]>;
}

export function fitResultJson(result: FitResult, models: Models): FitResultJson {
  const parameters: FitResultJson["parameters"] = {};
  for (const m of models)
    for (const p of m.parameters) parameters[`${m.name}.${p.name}`] = [p.value, p.error, p.frozen];
  return {
    success: result.success,
    message: result.message,
    total_stat: result.totalStat,
    nfev: result.nfev,
    parameters,
  };
}

/** One parameter of the models, as a row of gammapy's `models.to_parameters_table()`. */
export interface ParameterRow {
  model: string;
  type: string;
  name: string;
  value: number;
  unit: string;
  error: number;
  min: number;
  max: number;
  frozen: boolean;
}

/** The models' parameters in order, a parameter shared by several models once (where it first appears). */
export function parameterRows(models: Models): ParameterRow[] {
  const seen = new Set<unknown>();
  const rows: ParameterRow[] = [];
  for (const m of models)
    for (const p of m.parameters) {
      if (seen.has(p)) continue;
      seen.add(p);
      const { type, name, value, unit, error, min, max, frozen } = p;
      rows.push({ model: m.name, type, name, value, unit, error, min, max, frozen });
    }
  return rows;
}

/**
 * The models' parameters as gammapy prints `models.to_parameters_table()`: model, type, name,
 * value, unit, error, min, max, frozen (see `parameterRows`).
 */
export function parametersTable(models: Models): string {
  const header = ["model", "type", "name", "value", "unit", "error", "min", "max", "frozen"];
  const rows = parameterRows(models).map((p) => [
    p.model,
    p.type,
    p.name,
    pyExp(p.value, 4),
    p.unit,
    pyExp(p.error, 3),
    pyExp(p.min, 3),
    pyExp(p.max, 3),
    String(p.frozen),
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => cells.map((c, k) => c.padStart(widths[k])).join(" ");
  return [line(header), widths.map((w) => "-".repeat(w)).join(" "), ...rows.map(line)].join("\n");
}
