/**
 * The gammaflow command: run, validate and inspect graphs of plugin nodes.
 *   gammaflow run GRAPH [--set path=value …] [--out DIR] [--workers N] [--plugin PKG …] [--json]
 *                       [--reference-paths] [--allow-skipped] [--allow-root DIR …]
 *   gammaflow validate GRAPH [--set …] [--plugin PKG …] [--json]
 *   gammaflow plugins [--json]
 *   gammaflow info FILE [--json]
 *   gammaflow fit FILE --models MODELS.yaml [--out DIR] [--name NAME] [--maps] [--json]
 *   gammaflow fake FILE --models MODELS.yaml --seed N --out FILE [--name NAME] [--json]
 *   gammaflow sample-events FILE --models MODELS.yaml --obs-id ID --data-store DIR --seed N --out DIR
 */
import { parseArgs } from "node:util";
import { GraphValidationError, type OutputKinds } from "@gammaflow/pipeline";
import { readDataset } from "@gammaflow/core/node";
import type { Interrupts } from "./interrupts.js";
import { EXIT_CODES } from "./outcome.js";
import { registryWith } from "./registry.js";
import { loadGraph } from "./run-graph.js";
import { runCommand } from "./run-command.js";
import { fitCommand } from "./fit-command.js";
import { fakeCommand, parseSeed, sampleEventsCommand } from "./simulate-command.js";

const USAGE = `usage: gammaflow <command> [options]
  run GRAPH        run a graph (--set path=value, --out DIR, --workers N|auto, --plugin PKG, --json,
                   --reference-paths: the plain computations the tuned kernels replace, to compare;
                   --allow-skipped: exit 0 although runs were skipped;
                   --allow-root DIR: index paths may lead anywhere inside DIR, e.g. CTA 1DC's top folder;
                   --workers: map makers in N worker threads, same numbers; auto (default) chooses
                   from the work and the machine, in this thread on 2 cores, where a pool does not pay).
                   Exit codes: 0 complete, 1 failed, 2 usage, 3 incomplete (runs skipped, an output
                   failed, nothing selected),
                   130/143 interrupted by SIGINT/SIGTERM (outputs written then are named *.partial.*)
  validate GRAPH   check a graph against the schema and its plugins, reading no data
                   (--plugin PKG: load a package's plugins; a graph's own list never loads code)
  plugins          list the plugins with their params
  info FILE        summary of a dataset file (gammapy's MapDataset layout)
  fit FILE         fit models to a dataset file (--models MODELS.yaml, --out DIR, --name NAME, --maps,
                   --json): prints the parameter table, writes DIR/models.yaml and DIR/fit-result.json
  fake FILE        the dataset with Poisson counts drawn from the models' npred (--models MODELS.yaml,
                   --seed N: gammapy's random_state, the same counts; --out FILE, --name NAME, --json)
  sample-events FILE  events drawn from a dataset with models, written as a DL3 run with the IRFs of
                   run --obs-id ID of --data-store DIR into the data-store folder --out DIR (--models,
                   --seed N: gammapy's random_state, the same events; --name, --json)
overrides: --set safe.offsetMax="2.5 deg"  (node id . param), --set inputs.geom.width="4 deg"`;

/** Run the command line `argv`; returns the exit code (errors are printed, not thrown). */
export async function main(argv: string[], interrupts: Interrupts): Promise<number> {
  try {
    return await dispatch(argv, interrupts);
  } catch (e) {
    if (e instanceof GraphValidationError) console.error(e.message);
    else if (e instanceof UsageError) console.error(`${e.message}\n${USAGE}`);
    else console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof UsageError ? EXIT_CODES.usage : EXIT_CODES.failed;
  }
}

async function dispatch(argv: string[], interrupts: Interrupts): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      set: { type: "string", multiple: true, default: [] },
      out: { type: "string" },
      workers: { type: "string" },
      plugin: { type: "string", multiple: true, default: [] },
      "allow-root": { type: "string", multiple: true, default: [] },
      json: { type: "boolean", default: false },
      models: { type: "string" },
      name: { type: "string" },
      maps: { type: "boolean", default: false },
      seed: { type: "string" },
      "obs-id": { type: "string" },
      "data-store": { type: "string" },
      "reference-paths": { type: "boolean", default: false },
      "allow-skipped": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, target] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const json = values.json;
  const print = (value: unknown, text: string) => console.log(json ? JSON.stringify(value, null, 2) : text);
  switch (command) {
    case "plugins": {
      const registry = await registryWith(values.plugin);
      const list = registry.list();
      print(
        list.map((p) => ({
          name: p.name,
          version: p.version,
          description: p.description,
          input: p.input,
          output: p.output,
          params: p.params,
        })),
        list.map(describePlugin).join("\n\n"),
      );
      return 0;
    }
    case "validate": {
      if (!target) throw new UsageError("validate needs a graph file");
      const { validated } = await loadGraph(target, { sets: values.set, plugins: values.plugin });
      const nodes = validated.nodes.map((n) => ({ id: n.id, plugin: n.plugin, params: n.params }));
      print(
        { valid: true, nodes, edges: validated.edges },
        `${target}: valid — ${nodes.length} nodes (${nodes.map((n) => n.id).join(" → ")}), ` +
          `${validated.edges.length} edges`,
      );
      return 0;
    }
    case "info": {
      if (!target) throw new UsageError("info needs a dataset file");
      const dataset = readDataset(target);
      print(datasetInfo(dataset), dataset.toString());
      return 0;
    }
    case "fit": {
      if (!target) throw new UsageError("fit needs a dataset file");
      if (!values.models) throw new UsageError("fit needs --models MODELS.yaml");
      return fitCommand(target, {
        models: values.models,
        out: values.out ?? "out",
        name: values.name,
        maps: values.maps,
        json,
      });
    }
    case "fake": {
      if (!target) throw new UsageError("fake needs a dataset file");
      if (!values.models) throw new UsageError("fake needs --models MODELS.yaml");
      if (!values.out) throw new UsageError("fake needs --out FILE");
      return fakeCommand(target, {
        models: values.models,
        seed: seedOption(values.seed),
        out: values.out,
        name: values.name,
        json,
      });
    }
    case "sample-events": {
      if (!target) throw new UsageError("sample-events needs a dataset file");
      for (const needed of ["models", "obs-id", "data-store", "out"] as const)
        if (!values[needed]) throw new UsageError(`sample-events needs --${needed}`);
      const obsId = Number(values["obs-id"]);
      if (!Number.isInteger(obsId)) throw new UsageError(`--obs-id must be a run number, got '${values["obs-id"]}'`);
      return sampleEventsCommand(target, {
        models: values.models!,
        obsId,
        dataStore: values["data-store"]!,
        seed: seedOption(values.seed),
        out: values.out!,
        name: values.name,
        json,
      });
    }
    case "run": {
      if (!target) throw new UsageError("run needs a graph file");
      const workers = values.workers === undefined || values.workers === "auto" ? "auto" : Number(values.workers);
      if (workers !== "auto" && (!Number.isInteger(workers) || workers < 0))
        throw new UsageError(`--workers must be a whole number or auto, got '${values.workers}'`);
      return runCommand(
        target,
        {
          sets: values.set,
          plugins: values.plugin,
          allowRoots: values["allow-root"],
          outDir: values.out,
          workers,
          json,
          referencePaths: values["reference-paths"],
          allowSkipped: values["allow-skipped"],
        },
        interrupts,
      );
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

interface PluginSummary {
  name: string;
  version: string;
  description: string;
  input: readonly string[];
  output: OutputKinds;
  params: object;
}

function describePlugin(p: PluginSummary): string {
  const schema = p.params as { properties?: object; required?: string[] };
  const props = (schema.properties ?? {}) as Record<
    string,
    { description?: string; default?: unknown; enum?: unknown[]; "x-unit"?: string }
  >;
  const required = new Set(schema.required ?? []);
  const params = Object.entries(props).map(([k, s]) => {
    const unit = s["x-unit"] ? `a quantity in ${s["x-unit"]}` : undefined;
    const bits = [
      s.description,
      unit,
      s.enum ? `one of ${s.enum.map((v) => JSON.stringify(v)).join(", ")}` : undefined,
      "default" in s ? `default ${JSON.stringify(s.default)}` : required.has(k) ? "required" : undefined,
    ].filter(Boolean);
    return `    ${k}${bits.length ? ` — ${bits.join("; ")}` : ""}`;
  });
  const output = p.output === "input" ? "the kinds it receives" : p.output.join("|");
  return [
    `${p.name} ${p.version}  (${p.input.join("|") || "source"} → ${output})`,
    `  ${p.description}`,
    ...params,
  ].join("\n");
}

function datasetInfo(dataset: ReturnType<typeof readDataset>) {
  return {
    name: dataset.name,
    counts: dataset.counts.sum(),
    background: dataset.background?.sum(),
    exposureMax: dataset.exposure ? maxOf(dataset.exposure.data) : undefined,
    maskSafe: dataset.maskSafe?.sum(),
    shape: dataset.counts.geom.dataShape,
  };
}

function maxOf(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

class UsageError extends Error {}

function seedOption(text: string | undefined): number {
  try {
    return parseSeed(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
