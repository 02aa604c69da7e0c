import type { AnyPlugin } from "@gammaflow/pipeline";
import { registryWith } from "./registry.js";

/** `gammaflow plugins`: every plugin with its params (JSON: the schemas as they are). */
export async function pluginsCommand(options: { plugin: string[]; json: boolean }): Promise<number> {
  const list = (await registryWith(options.plugin)).list();
  if (options.json) {
    const summaries = list.map((p) => ({
      name: p.name,
      version: p.version,
      description: p.description,
      input: p.input,
      output: p.output,
      needs: p.needs ?? [],
      params: p.params,
    }));
    console.log(JSON.stringify(summaries, null, 2));
  } else {
    console.log(list.map(describePlugin).join("\n\n"));
  }
  return 0;
}

type ParamSchema = { description?: string; default?: unknown; enum?: unknown[]; "x-unit"?: string };

function describePlugin(p: AnyPlugin): string {
  const schema = p.params as { properties?: Record<string, ParamSchema>; required?: string[] };
  const required = new Set(schema.required ?? []);
  const params = Object.entries(schema.properties ?? {}).map(([k, s]) => {
    const unit = s["x-unit"] ? `a quantity ("1 ${s["x-unit"]}"; a bare number is in ${s["x-unit"]})` : undefined;
    const bits = [
      s.description,
      unit,
      s.enum ? `one of ${s.enum.map((v) => JSON.stringify(v)).join(", ")}` : undefined,
      "default" in s ? `default ${JSON.stringify(s.default)}` : required.has(k) ? "required" : undefined,
    ].filter(Boolean);
    return `    ${k}${bits.length ? ` — ${bits.join("; ")}` : ""}`;
  });
  const output = p.output === "input" ? "the kinds it receives" : p.output.join("|");
  const needed = (p.needs ?? []).map((n) =>
    n === "geom" ? "the target geometry (inputs.geom)" : "a data store (its dataStore param or inputs.dataStore)",
  );
  const needs = needed.length ? `  needs ${needed.join(" and ")}` : "";
  return [
    `${p.name} ${p.version}  (${p.input.join("|") || "source"} → ${output})`,
    `  ${p.description}`,
    ...(needs ? [needs] : []),
    ...params,
  ].join("\n");
}
