import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deserialize, serialize } from "node:v8";
import type { WorkerTask } from "../services.js";
import type { WorkerStep } from "../worker-steps.js";

/**
 * A task's module named so that another machine finds it in its own install: the package
 * and the file's path inside it (a URL would name the coordinator's folders).
 */
export interface ModuleRef {
  package: string;
  file: string;
}

/** A job's data: the per-observation task (file references and configuration, never maps). */
export interface QueuedTask {
  module: ModuleRef;
  payload: unknown;
  /** The next nodes' steps the worker runs after the task (their modules named as `module` is). */
  steps?: Array<{ node: string; module: ModuleRef; params: unknown }>;
  /** The code that queued it (`codeVersion`): a worker running other code refuses the job. */
  codeVersion: string;
  /** The observation, when the payload names one (for messages). */
  obsId?: number;
}

/** Only gammaflow's own packages run from a queue: a job names a module, it never brings code. */
const SCOPE = "@gammaflow/";

/** Can a queued task name this module (a file in a @gammaflow/* package)? */
export function isQueueableModule(moduleUrl: string): boolean {
  try {
    moduleRef(moduleUrl);
    return true;
  } catch {
    return false;
  }
}

export function moduleRef(moduleUrl: string): ModuleRef {
  const file = fileURLToPath(moduleUrl);
  const root = packageRoot(file);
  const name = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name?: string }).name;
  if (!name?.startsWith(SCOPE))
    throw new Error(`a queued task's module must be in a ${SCOPE}* package: ${file} is in '${name}'`);
  return { package: name, file: path.relative(root, file).split(path.sep).join("/") };
}

const resolved = new Map<string, string>();

/** The module's URL in this install; an unknown package or a path leaving it is refused. */
export function resolveModuleRef(ref: ModuleRef): string {
  const key = `${ref.package}\n${ref.file}`;
  let url = resolved.get(key);
  if (!url) {
    url = resolveModule(ref);
    resolved.set(key, url);
  }
  return url;
}

function resolveModule(ref: ModuleRef): string {
  if (!ref.package.startsWith(SCOPE) || ref.file.split("/").includes("..") || path.isAbsolute(ref.file))
    throw new Error(
      `a queued task names module '${ref.package}/${ref.file}': only files inside ${SCOPE}* packages run`,
    );
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve(ref.package));
  } catch (error) {
    throw new Error(`a queued task needs package '${ref.package}', not installed here: ${(error as Error).message}`);
  }
  return pathToFileURL(path.join(packageRoot(entry), ref.file)).href;
}

function packageRoot(file: string): string {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${file}`);
  }
}

const versions = new Map<string, string>();

/** The code version of a task and its steps' modules (what queued it, and what a worker runs). */
export function taskCodeVersion(task: Pick<QueuedTask, "module" | "steps">): string {
  return codeVersion(
    task.module,
    task.steps?.map((s) => s.module),
  );
}

/**
 * The version of the code a task runs: a hash of the built files of @gammaflow/core,
 * @gammaflow/pipeline, the task's package and its steps' (`steps`). Coordinator and workers
 * compare it, so a job is never run by other code (a stale install would make other numbers).
 */
export function codeVersion(ref: ModuleRef, steps: readonly ModuleRef[] = []): string {
  const packages = [...new Set([ref.package, ...steps.map((s) => s.package)])].sort();
  const key = packages.join("\n");
  let version = versions.get(key);
  if (!version) {
    const hash = createHash("sha256");
    for (const pkg of new Set(["@gammaflow/core", "@gammaflow/pipeline", ...packages])) {
      const root = packageRoot(fileURLToPath(import.meta.resolve(pkg)));
      for (const file of builtFiles(path.join(root, "dist", "src"))) {
        hash.update(`${pkg}/${path.relative(root, file)}\n`);
        hash.update(readFileSync(file));
      }
    }
    version = hash.digest("hex").slice(0, 12);
    versions.set(key, version);
  }
  return version;
}

function builtFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".js"))
    .sort()
    .map((f) => path.join(dir, f));
}

export function queuedTask(task: WorkerTask): QueuedTask {
  const module = moduleRef(task.module);
  const obsId = (task.payload as { obsId?: unknown } | null)?.obsId;
  const steps = task.steps?.map((s) => ({ node: s.node, module: moduleRef(s.module), params: s.params }));
  return {
    module,
    payload: task.payload,
    ...(steps?.length && { steps }),
    codeVersion: taskCodeVersion({ module, steps }),
    ...(typeof obsId === "number" && { obsId }),
  };
}

/**
 * The job's id: a hash of the code version, the module and the payload. The same command
 * queues the same ids, so a resumed coordinator finds the results of jobs done meanwhile, and
 * a job delivered twice is one job.
 */
export function taskId(task: QueuedTask): string {
  const hash = createHash("sha256").update(
    JSON.stringify([task.codeVersion, task.module, task.payload, ...(task.steps ? [task.steps] : [])]),
  );
  return `${task.obsId ?? "task"}-${hash.digest("hex").slice(0, 24)}`;
}

/**
 * A task's result as bytes (V8's structured-clone format, as worker threads pass it: typed arrays
 * exactly); the `transfer` list a worker thread's result carries is dropped.
 */
export function encodeResult(result: unknown): Buffer {
  const value =
    result && typeof result === "object" && "transfer" in result ? { ...result, transfer: undefined } : result;
  return serialize(value);
}

export function decodeResult<T>(bytes: Buffer): T {
  return deserialize(bytes) as T;
}

/** A queued task's steps with their modules' URLs in this install (see resolveModuleRef). */
export function resolvedSteps(task: QueuedTask): WorkerStep[] | undefined {
  return task.steps?.map((s) => ({ node: s.node, module: resolveModuleRef(s.module), params: s.params }));
}
