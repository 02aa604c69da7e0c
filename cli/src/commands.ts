/**
 * The gammaflow command line (commander): one subcommand per task, each with its own --help
 * (`gammaflow help run` is the same); a mistyped command or option gets the nearest one.
 * Usage errors exit with 2, failures with 1; `--json` turns errors into one JSON object too.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { reportError, UsageError } from "./errors.js";
import { fitCommand, type FitCommandOptions } from "./fit-command.js";
import { infoCommand } from "./info-command.js";
import { EXIT_CODES } from "./outcome.js";
import { initCommand } from "./init-command.js";
import type { Interrupts } from "./interrupts.js";
import { pluginsCommand } from "./plugins-command.js";
import { runCommand } from "./run-command.js";
import { loadGraph } from "./run-graph.js";
import { serveCommand } from "./serve-command.js";
import { fakeCommand, parseSeed, sampleEventsCommand } from "./simulate-command.js";
import { workerCommand } from "./worker-command.js";

/** The package's version (cli/package.json, beside dist/). */
export const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

const EXAMPLES = `
Start here (in the repository folder, where it is 'npx gammaflow'; on the bundled H.E.S.S. Crab runs):
  gammaflow init my-analysis.json           write a starter graph, explained in its $comment fields
  gammaflow validate my-analysis.json       check it without reading data
  gammaflow run my-analysis.json --out out  run it: prints the stack, writes out/stacked.fits.gz
  gammaflow info out/stacked.fits.gz        what a dataset, event file or data store folder holds
  gammaflow run graphs/combined-chain.json --set safe.offsetMax="2.5 deg"   change a param (node id.param)
  gammaflow help run                        a command's options (or: gammaflow run --help)`;

const RUN_EXIT_CODES = `
Exit codes: 0 complete; 1 failed (invalid graph, a node failed); 2 usage; 3 incomplete (runs skipped,
an output failed, nothing selected); 130/143 interrupted by SIGINT/SIGTERM (outputs written after it
are named *.partial.*).`;

const collect = (value: string, previous: string[] = []) => [...previous, value];
const setOption = () =>
  new Option(
    "--set <path=value>",
    'override a param: node.param=value, e.g. safe.offsetMax="2.5 deg" (repeatable)',
  ).argParser(collect);
const pluginOption = () =>
  new Option(
    "--plugin <package>",
    "also load this package's plugins: a name or a path from here (repeatable)",
  ).argParser(collect);
const jsonOption = () => new Option("--json", "print JSON (also for errors: error, exitCode, node, param, value)");

/** Options as commander gives them: a repeatable option never given is undefined. */
interface Common {
  json?: boolean;
  plugin?: string[];
  set?: string[];
}

/** Run the command line `argv`; returns the exit code (errors are printed, not thrown). */
export async function main(argv: string[], interrupts: Interrupts): Promise<number> {
  let code = 0;
  const done = (result: number) => {
    code = result;
  };
  const program = buildProgram(interrupts, done);
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (e) {
    // help asked for (exit code 0), or shown on stderr for a missing command (1: a usage error)
    if (
      e instanceof CommanderError &&
      ["commander.help", "commander.helpDisplayed", "commander.version"].includes(e.code)
    )
      return e.exitCode === 0 ? 0 : EXIT_CODES.usage;
    return reportError(e, argv.includes("--json"));
  }
}

function buildProgram(interrupts: Interrupts, done: (code: number) => void): Command {
  const program = new Command("gammaflow")
    .description("gammapy's map-cube analysis as graphs of plugin nodes: reduce IACT DL3 runs to maps, stack, fit")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "print this help")
    .helpCommand("help [command]", "a command's help")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .addHelpText("after", EXAMPLES);
  const command = (name: string, summary: string) =>
    program.command(name).description(summary).helpOption("-h, --help", "print this help");

  command("init", "write a starter graph that runs on the bundled data (gammapy analysis config)")
    .argument("[FILE]", "the graph file to write", "analysis.json")
    .option("--force", "overwrite FILE if it exists")
    .addOption(jsonOption())
    .action((file: string, o: { force?: boolean; json?: boolean }) =>
      done(initCommand(file, { force: Boolean(o.force), json: Boolean(o.json) })),
    );

  command("run", "run a graph: reduce, stack, write; prints a report")
    .argument("<GRAPH>", "graph file (JSON)")
    .addOption(setOption())
    .option("--out <dir>", "output folder", "out")
    .option(
      "--workers <n>",
      "map makers in N worker threads, same numbers (0: none; auto: from the work and the machine)",
      "auto",
    )
    .addOption(pluginOption())
    .addOption(jsonOption())
    .option("--reference-paths", "the plain computations the tuned kernels replace (slower; to compare)")
    .option("--allow-skipped", "exit 0 although runs were skipped (still reported)")
    .option(
      "--report",
      "also write report.html in the output folder: graph, runs used and skipped, timings, maps, fit (offline)",
    )
    .option(
      "--allow-root <dir>",
      "index paths may lead anywhere inside DIR, e.g. CTA 1DC's top folder (repeatable)",
      collect,
    )
    .option("--executor <kind>", "where runs are reduced: in-process, pool (--workers) or bullmq (--redis)")
    .option("--redis <url>", "redis://HOST:PORT for --executor bullmq: one job per run, for `gammaflow worker`s")
    .addHelpText("after", RUN_EXIT_CODES)
    .action(
      async (
        graph: string,
        o: Common & {
          out: string;
          workers: string;
          referencePaths?: boolean;
          allowSkipped?: boolean;
          report?: boolean;
          allowRoot?: string[];
          executor?: string;
          redis?: string;
        },
      ) => {
        const workers: number | "auto" = o.workers === "auto" ? "auto" : Number(o.workers);
        if (workers !== "auto" && !/^\d+$/.test(o.workers))
          throw new UsageError(`--workers must be a whole number or auto, got '${o.workers}'`);
        const options = {
          sets: o.set ?? [],
          plugins: o.plugin ?? [],
          allowRoots: o.allowRoot ?? [],
          outDir: o.out,
          workers,
          executor: o.executor,
          redis: o.redis,
          json: Boolean(o.json),
          referencePaths: Boolean(o.referencePaths),
          allowSkipped: Boolean(o.allowSkipped),
          report: Boolean(o.report),
        };
        done(await runCommand(graph, options, interrupts));
      },
    );

  command("worker", "run the jobs of `run --executor bullmq` until SIGINT/SIGTERM, on any machine that sees the data")
    .option("--redis <url>", "redis://HOST:PORT of the coordinator's queue (required)")
    .option("--concurrency <n>", "jobs at once", "1")
    .action(async (o: { redis?: string; concurrency: string }) => {
      if (!o.redis) throw new UsageError("worker needs --redis redis://HOST:PORT");
      const concurrency = Number(o.concurrency);
      if (!/^\d+$/.test(o.concurrency) || concurrency < 1)
        throw new UsageError(`--concurrency must be a positive whole number, got '${o.concurrency}'`);
      done(await workerCommand({ redis: o.redis, concurrency }, interrupts));
    });

  command("serve", "the quick-look page (npm run build makes it): runs dropped on it are reduced in the browser")
    .option("--host <host>", "address to listen on (loopback by default)")
    .option("--port <n>", "port (default 8080)")
    .action(async (o: { host?: string; port?: string }) => {
      await serveCommand({ host: o.host, port: o.port });
      await new Promise<never>(() => {}); // serves until a signal ends the process
    });

  command("validate", "check a graph — schema, params, message kinds, geometry, data store — reading no data")
    .argument("<GRAPH>", "graph file (JSON)")
    .addOption(setOption())
    .addOption(pluginOption())
    .addOption(jsonOption())
    .action(async (graph: string, o: Common) => done(await validateCommand(graph, o)));

  command("plugins", "list the plugins with their params, units and defaults")
    .addOption(pluginOption())
    .addOption(jsonOption())
    .action(async (o: Common) => done(await pluginsCommand({ plugin: o.plugin ?? [], json: Boolean(o.json) })));

  command("info", "what a dataset file, a DL3 event file or a data store folder holds")
    .argument("<PATH>", "a dataset (.fits.gz), an event file or a data store folder")
    .addOption(jsonOption())
    .action((target: string, o: { json?: boolean }) => done(infoCommand(target, { json: Boolean(o.json) })));

  command("fit", "fit models to a dataset file (gammapy's Fit): parameter table, models.yaml, fit-result.json")
    .argument("<DATASET>", "dataset file")
    .option("--models <file>", "models YAML (gammapy's format) (required)")
    .option("--out <dir>", "output folder", "out")
    .option("--name <name>", "the dataset's name the models refer to (default the file's)")
    .option("--maps", "also write npred and residual maps")
    .option(
      "--flux-points <edges>",
      'flux points on these bins, "1 TeV..10 TeV/5" or "1 TeV, 3 TeV, 10 TeV" (gammapy\'s FluxPointsEstimator): ' +
        "flux-points-<model>.json, drawn on spectrum-<model>.png",
    )
    .option("--flux-points-source <model>", "the sky model of the flux points (default every one)")
    .addOption(jsonOption())
    .addHelpText("after", "\nExit codes: 0 the fit converged; 1 failed; 2 usage; 3 the fit ran but did not converge.")
    .action((dataset: string, o: FitOptions) => {
      if (!o.models) throw new UsageError("fit needs --models MODELS.yaml");
      if (o.fluxPointsSource !== undefined && o.fluxPoints === undefined)
        throw new UsageError("--flux-points-source needs --flux-points EDGES");
      const { models, out, name, maps, fluxPoints, fluxPointsSource, json } = o;
      done(fitCommand(dataset, { models, out, name, maps, fluxPoints, fluxPointsSource, json }));
    });

  command("fake", "the dataset with Poisson counts drawn from the models' npred (gammapy's MapDataset.fake)")
    .argument("<DATASET>", "dataset file")
    .option("--models <file>", "models YAML (required)")
    .option("--seed <n>", "gammapy's random_state: the same counts for the same seed (required)")
    .option("--out <file>", "the dataset file to write (required)")
    .option("--name <name>", "the dataset's name the models refer to")
    .addOption(jsonOption())
    .action((dataset: string, o: { models?: string; seed?: string; out?: string; name?: string; json?: boolean }) => {
      if (!o.models) throw new UsageError("fake needs --models MODELS.yaml");
      if (!o.out) throw new UsageError("fake needs --out FILE");
      const seed = seedOption(o.seed);
      done(fakeCommand(dataset, { models: o.models, seed, out: o.out, name: o.name, json: o.json }));
    });

  command("sample-events", "events drawn from a dataset with models, written as a DL3 run (MapDatasetEventSampler)")
    .argument("<DATASET>", "dataset file")
    .option("--models <file>", "models YAML (required)")
    .option("--obs-id <id>", "the run whose IRFs the events get (required)")
    .option("--data-store <dir>", "the data store holding that run (required)")
    .option("--seed <n>", "gammapy's random_state: the same events for the same seed (required)")
    .option("--out <dir>", "data store folder to write into: created, or added to (required)")
    .option("--name <name>", "the dataset's name the models refer to")
    .addOption(jsonOption())
    .action((dataset: string, o: SampleOptions) => done(sampleEvents(dataset, o)));

  return program;
}

async function validateCommand(graph: string, o: Common): Promise<number> {
  const { validated } = await loadGraph(graph, { sets: o.set, plugins: o.plugin });
  const nodes = validated.nodes.map((n) => ({ id: n.id, plugin: n.plugin, params: n.params }));
  console.log(
    o.json
      ? JSON.stringify({ valid: true, nodes, edges: validated.edges }, null, 2)
      : `${graph}: valid — ${nodes.length} nodes (${nodes.map((n) => n.id).join(" → ")}), ` +
          `${validated.edges.length} edges`,
  );
  return 0;
}

/** What commander hands the fit action: the command's options, `--models` not yet checked. */
type FitOptions = Omit<FitCommandOptions, "models"> & { models?: string };

interface SampleOptions {
  models?: string;
  obsId?: string;
  dataStore?: string;
  seed?: string;
  out?: string;
  name?: string;
  json?: boolean;
}

function sampleEvents(dataset: string, o: SampleOptions): number {
  const needed = { models: o.models, "obs-id": o.obsId, "data-store": o.dataStore, out: o.out };
  for (const [option, value] of Object.entries(needed))
    if (!value) throw new UsageError(`sample-events needs --${option}`);
  const obsId = Number(o.obsId);
  if (!Number.isInteger(obsId)) throw new UsageError(`--obs-id must be a run number, got '${o.obsId}'`);
  return sampleEventsCommand(dataset, {
    models: o.models!,
    obsId,
    dataStore: o.dataStore!,
    seed: seedOption(o.seed),
    out: o.out!,
    name: o.name,
    json: o.json,
  });
}

function seedOption(text: string | undefined): number {
  try {
    return parseSeed(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
