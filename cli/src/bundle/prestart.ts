// `gammaflow run … --workers N` from the bundle: the pool's threads start before the commands
// load, and import the bundle's task modules meanwhile (they boot and compile in ~0.13 s while
// the main thread loads its own ~0.15 s; started after, they began work that much later).
import { prestartPool } from "@gammaflow/pipeline/pool";

/** The bundle's modules that worker tasks name (scripts/bundle-cli.mjs's entries beside this file). */
const TASK_MODULES = ["./worker-task.js", "./safe-mask-step.js"];

/** N of `run … --workers N` (N ≥ 1) with no other executor asked for; else undefined. */
export function explicitWorkers(args: readonly string[]): number | undefined {
  if (args[0] !== "run") return undefined;
  let workers: string | undefined;
  let executor: string | undefined;
  for (let i = 1; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => inline ?? args[++i];
    if (flag === "--workers") workers = value();
    else if (flag === "--executor") executor = value();
    else if (flag === "--") break;
  }
  if (workers === undefined || !/^\d+$/.test(workers) || (executor !== undefined && executor !== "pool")) return;
  const n = Number(workers);
  return n >= 1 ? n : undefined;
}

/** Start the pool a `run` command will ask for (the command takes it, see takePrestartedPool). */
export function prestartWorkers(args: readonly string[]): void {
  const size = explicitWorkers(args);
  if (size !== undefined)
    prestartPool(
      size,
      TASK_MODULES.map((m) => new URL(m, import.meta.url).href),
    );
}
