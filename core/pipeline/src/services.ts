// the lite build: the same global Reflect metadata API, without the full build's fallbacks for old
// runtimes (one finds the global object with eval, which the page's Content-Security-Policy refuses)
import "reflect-metadata/lite";
import { Container, injectable } from "inversify";
import { asyncScheduler, type SchedulerLike } from "rxjs";
import {
  defaultComputeCache,
  type ComputeCache,
  type DataStore,
  type DataStoreOptions,
  type MapDataset,
  type MapDatasetCreateOptions,
  type WcsGeom,
  type WcsNDMap,
} from "@gammaflow/core";
import type { Checkpoints } from "./checkpoints.js";
import { importModule } from "./import-module.js";
import type { DatasetSpec, GeomSpec } from "./specs.js";
import { loadWorkerSteps, type LoadedStep, type WorkerStep } from "./worker-steps.js";

/** Messages for people: the CLI prints them, tests collect them. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ProgressEvent {
  node: string;
  obsId?: number;
  /** "planned": a source tells how many observations it will emit (`total`), before the first. */
  stage: "start" | "done" | "error" | "emit" | "planned";
  message?: string;
  total?: number;
}

/** Where long work reports what it is doing (the CLI draws a progress bar from it). */
export interface Progress {
  emit(event: ProgressEvent): void;
}

/** The progress a plugin gets: its events carry its node id, set by the runtime. */
export interface NodeProgress {
  emit(event: Omit<ProgressEvent, "node">): void;
}

/**
 * Everything that touches storage. The science never reads files itself; a test can serve
 * a data store from memory, a browser from fetch.
 */
export interface DataAccess {
  openDataStore(dir: string, options?: DataStoreOptions): DataStore;
  /** Names of the entries of a folder (for watching sources); [] when it does not exist. */
  list(dir: string): string[];
  /** A map from a FITS file (the first map HDU, gammapy's layout). */
  readMap(path: string): WcsNDMap;
  /** A text file (models YAML, covariance tables), UTF-8. */
  readText(path: string): string;
  /** A map to a FITS file in gammapy's layout (gzip for .gz), written aside and renamed. */
  writeMap(map: WcsNDMap, path: string): void;
  /**
   * Write so that a reader never sees half a file (write aside, then rename). May compress off
   * the main thread; when `signal` aborts meanwhile, nothing is written.
   */
  writeDataset(dataset: MapDataset, path: string, options?: { signal?: AbortSignal }): void | Promise<void>;
  writeBytes(path: string, bytes: Uint8Array): void;
  /** A zlib compressor (PNG previews); without one, PNGs are written uncompressed. */
  deflate?: (bytes: Uint8Array) => Uint8Array;
  /** `path` relative to the graph's folder (absolute paths unchanged). */
  resolve(path: string): string;
  /**
   * `path` resolved, with the symbolic links of its existing part followed (node:fs): where a
   * file really goes. Absent where there are no links (memory, fetch).
   */
  realPath?(path: string): string;
  join(...parts: string[]): string;
}

/**
 * A task for a worker: a module that exports `runTask(payload, steps)`, and its payload. A
 * result's ArrayBuffers listed in its `transfer` field come back moved rather than copied.
 */
export interface WorkerTask {
  module: string;
  payload: unknown;
  /** ArrayBuffers in the payload to move rather than copy. */
  transfer?: ArrayBuffer[];
  /**
   * The next nodes' steps (worker-steps.ts): the executor imports their modules where the task
   * runs and hands them to `runTask` as its second argument, loaded (`LoadedStep[]`).
   */
  steps?: readonly WorkerStep[];
}

/** Runs CPU-heavy per-observation work off the main thread (piscina in Node); size 0 = in process. */
export interface WorkerPool {
  readonly size: number;
  /**
   * Whether its tasks may carry a step of this module (`WorkerTask.steps`): a worker thread
   * imports any; a queue's worker on another machine only one of gammaflow's own packages.
   * Absent: no steps (the nodes after the task's node run on the main thread).
   */
  acceptsStep?(module: string): boolean;
  run<T>(task: WorkerTask): Promise<T>;
  /**
   * Resolves once the pool has room for another task (undefined: it has now). Sources wait for
   * it (RunContext.ready) so that runs are not read far ahead of the workers.
   */
  ready?(): Promise<void> | undefined;
  /**
   * Every node that uses the pool is done: its threads may go now, their memory with them (the
   * runner calls it; no task follows). `close` still ends the pool.
   */
  release?(): Promise<void>;
  close(): Promise<void>;
}

export interface Clock {
  now(): number;
  /** The scheduler timers use (a TestScheduler in marble tests). */
  scheduler: SchedulerLike;
}

/** A seeded random source (simulations), reproducible from its seed. */
export interface RandomSource {
  readonly seed: number;
  next(): number;
}

/** What a run shares with every node: the target geometry, the data store, the output folder. */
export interface RunContext {
  /** The target geometry (graph inputs.geom) and the options of its datasets (inputs.dataset). */
  geom?: WcsGeom;
  dataset?: MapDatasetCreateOptions;
  /** The same inputs as the graph spells them (what a worker rebuilds them from). */
  inputs?: { geom?: GeomSpec; dataset?: DatasetSpec };
  dataStore?: string;
  /**
   * Folders the user allowed index paths to lead into beyond a store's own folder (the CLI's
   * --allow-root), as real paths; a graph's `root` param may only name a folder inside these.
   */
  allowedRoots?: readonly string[];
  outDir: string;
  /** Seed of the run's random source (recorded with the run, so it can be reproduced). */
  seed?: number;
  /** Concurrency of per-observation work (default: the worker pool's size, at least 1). */
  concurrency: number;
  /**
   * Sources wait for it before taking the next run (see `paced`): the worker pool's room, so
   * that runs queued for the workers are not read ahead of them, holding their files in this
   * thread (memory growing with the number of runs). Undefined: no waiting (work in process).
   */
  ready?: () => Promise<void> | undefined;
  /** Cancels the run at once: nothing more is written. */
  signal?: AbortSignal;
  /**
   * Asks the run to finish early: sources stop taking new runs, work in flight completes, outputs
   * are written, named as partial (`outputFiles`); the report says `partial: true`.
   */
  finish?: AbortSignal;
  /** Where nodes keep state across a crash (the stacker's running stack); cleared when the run completes. */
  checkpoints?: Checkpoints;
}

export const TYPES = {
  Logger: Symbol.for("gammaflow.Logger"),
  Progress: Symbol.for("gammaflow.Progress"),
  DataAccess: Symbol.for("gammaflow.DataAccess"),
  WorkerPool: Symbol.for("gammaflow.WorkerPool"),
  Clock: Symbol.for("gammaflow.Clock"),
  RandomSource: Symbol.for("gammaflow.RandomSource"),
  RunContext: Symbol.for("gammaflow.RunContext"),
  ComputeCache: Symbol.for("gammaflow.ComputeCache"),
} as const;

/**
 * The services a plugin may name in its definition's `services`; `create` receives exactly
 * those, resolved from the run's container. (Its logger, progress and run context it always
 * gets, scoped to its node.)
 */
export interface NamedServices {
  data: DataAccess;
  workers: WorkerPool;
  clock: Clock;
  random: RandomSource;
  /** Values worth keeping between runs (IRF tables, pixel mappings): capped, the process's. */
  cache: ComputeCache;
}
export type ServiceName = keyof NamedServices;

const SERVICE_TYPES: Record<ServiceName, symbol> = {
  data: TYPES.DataAccess,
  workers: TYPES.WorkerPool,
  clock: TYPES.Clock,
  random: TYPES.RandomSource,
  cache: TYPES.ComputeCache,
};

export const SERVICE_NAMES = Object.keys(SERVICE_TYPES) as ServiceName[];

/** Resolve the named services from a container (a run's). */
export function resolveServices<S extends ServiceName>(
  container: Container,
  names: readonly S[],
): Pick<NamedServices, S> {
  const out = {} as Pick<NamedServices, S>;
  for (const name of names) {
    const type = SERVICE_TYPES[name];
    if (!type) throw new Error(`unknown service '${name}' (known: ${SERVICE_NAMES.join(", ")})`);
    (out as Record<string, unknown>)[name] = container.get(type);
  }
  return out;
}

@injectable()
export class ConsoleLogger implements Logger {
  info(message: string): void {
    console.log(message);
  }
  warn(message: string): void {
    console.warn(`warning: ${message}`);
  }
  error(message: string): void {
    console.error(`error: ${message}`);
  }
}

/** Collects messages (tests, --json output). */
@injectable()
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: "info" | "warn" | "error"; message: string }> = [];
  info(message: string): void {
    this.lines.push({ level: "info", message });
  }
  warn(message: string): void {
    this.lines.push({ level: "warn", message });
  }
  error(message: string): void {
    this.lines.push({ level: "error", message });
  }
}

@injectable()
export class SilentProgress implements Progress {
  emit(): void {}
}

@injectable()
export class SystemClock implements Clock {
  scheduler: SchedulerLike = asyncScheduler;
  now(): number {
    return Date.now();
  }
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export class SeededRandom implements RandomSource {
  private state: number;
  constructor(readonly seed = 0) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** No workers: tasks run in this thread by importing their module. */
export class InProcessPool implements WorkerPool {
  readonly size = 0;
  async run<T>(task: WorkerTask): Promise<T> {
    const module = (await importModule(task.module)) as {
      runTask(payload: unknown, steps: LoadedStep[]): T | Promise<T>;
    };
    return module.runTask(task.payload, await loadWorkerSteps(task.steps));
  }
  async close(): Promise<void> {}
}

/** What a process provides to every run; unset ones get defaults (console, no workers, system clock). */
export interface ServiceBindings {
  logger?: Logger;
  progress?: Progress;
  data: DataAccess;
  workers?: WorkerPool;
  clock?: Clock;
  random?: RandomSource;
  /**
   * The compute cache (default: the process's, `defaultComputeCache()`, 256 MiB): it lives as
   * long as the process and stays under its cap, so a long streaming run does not grow.
   */
  cache?: ComputeCache;
}

/**
 * The process's container: services that outlive a run (logger, file access, worker pool,
 * clock, compute cache). Data access has no default here (the runtime does not touch the file system): Node
 * callers pass `nodeDataAccess` from `@gammaflow/pipeline/node`, tests a fake.
 */
export function createContainer(bindings: ServiceBindings): Container {
  // jitless (inversify's default, said here): its JIT resolvers are generated with new Function, which a
  // page's strict Content-Security-Policy refuses; a run resolves a few services, so nothing is lost
  const container = new Container({ jitless: true });
  container.bind<Logger>(TYPES.Logger).toConstantValue(bindings.logger ?? new ConsoleLogger());
  container.bind<Progress>(TYPES.Progress).toConstantValue(bindings.progress ?? new SilentProgress());
  container.bind<DataAccess>(TYPES.DataAccess).toConstantValue(bindings.data);
  container.bind<WorkerPool>(TYPES.WorkerPool).toConstantValue(bindings.workers ?? new InProcessPool());
  container.bind<Clock>(TYPES.Clock).toConstantValue(bindings.clock ?? new SystemClock());
  container.bind<ComputeCache>(TYPES.ComputeCache).toConstantValue(bindings.cache ?? defaultComputeCache());
  // Without a pinned source, each run seeds its own (createRunContainer).
  if (bindings.random) container.bind<RandomSource>(TYPES.RandomSource).toConstantValue(bindings.random);
  return container;
}

/**
 * One run's container, a child of the process's: it binds the run's context (target geometry,
 * output folder, signals) and resolves everything else from its parent. Rebind on it to swap
 * a service for one run only.
 */
export function createRunContainer(parent: Container, run: Partial<RunContext> = {}): Container {
  const container = new Container({ parent, jitless: true });
  const workers = parent.get<WorkerPool>(TYPES.WorkerPool);
  const ready = workers.ready && (() => workers.ready?.());
  const context: RunContext = { outDir: "out", concurrency: Math.max(1, workers.size), ready, ...run };
  container.bind<RunContext>(TYPES.RunContext).toConstantValue(context);
  if (!parent.isBound(TYPES.RandomSource)) {
    container.bind<RandomSource>(TYPES.RandomSource).toConstantValue(new SeededRandom(context.seed ?? 0));
  }
  return container;
}
