import { Observable } from "rxjs";
import type { ProgressEvent } from "./services.js";

/** What one node of a run did and how long it took (the run report's timings). */
export interface NodeTiming {
  node: string;
  plugin: string;
  /** Messages it received and emitted (error records routed around it not counted). */
  received: number;
  emitted: number;
  /** Messages it failed on (the error records it made). */
  failed: number;
  /**
   * Time this thread spent in the node's handling of its input, downstream nodes excluded (ms):
   * work done in worker threads or awaited (I/O) is not in it, a source's reading ahead neither.
   */
  busyMs: number;
  /**
   * Per-message work (a `perMessage` node's): how many, and their times from start to result
   * added up (ms), waits for workers included; concurrent work can add up to more than the run.
   */
  tasks: number;
  taskMs: number;
  /**
   * Its per-run work ran as a step in the worker tasks of this node (worker-steps.ts): its time
   * is in that node's task time, not in its own.
   */
  ranIn?: string;
  /** When it received or emitted its first message and when its stream ended, in ms from the run's start. */
  startMs?: number;
  endMs?: number;
}

/**
 * Collects `NodeTiming`s while a graph runs (see `graphStream`). Busy time is charged to the
 * innermost node whose input handler is running: a node's message delivered synchronously to
 * the next node counts as the next node's time.
 */
export class NodeTimings {
  private readonly byNode = new Map<string, NodeTiming>();
  private readonly started = new Map<string, number[]>();
  private readonly stack: string[] = [];
  private readonly origin: number;
  private mark = 0;

  constructor(
    nodes: ReadonlyArray<{ id: string; plugin: string }>,
    private readonly now: () => number = () => performance.now(),
  ) {
    for (const { id, plugin } of nodes)
      this.byNode.set(id, { node: id, plugin, received: 0, emitted: 0, failed: 0, busyMs: 0, tasks: 0, taskMs: 0 });
    this.origin = now();
  }

  /** The timings, in the graph's node order. */
  list(): NodeTiming[] {
    return [...this.byNode.values()].map((t) => ({ ...t }));
  }

  /** `input` with each delivery to the node's operator timed as the node's busy time. */
  timedInput<T>(node: string, input: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) =>
      input.subscribe({
        next: (message) => {
          this.seen(node).received++;
          this.enter(node);
          try {
            subscriber.next(message);
          } finally {
            this.leave();
          }
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );
  }

  /** The node's work runs in `host`'s worker tasks (see NodeTiming.ranIn). */
  ranIn(node: string, host: string): void {
    const timing = this.byNode.get(node);
    if (timing) timing.ranIn = host;
  }

  /** The node emitted a message (`failed`: an error record of its own). */
  emitted(node: string, failed: boolean): void {
    const timing = this.seen(node);
    if (failed) timing.failed++;
    else timing.emitted++;
  }

  /** The node's stream ended (completed, failed or unsubscribed). */
  ended(node: string): void {
    const timing = this.byNode.get(node);
    if (timing && timing.endMs === undefined) timing.endMs = this.now() - this.origin;
  }

  /** A progress event of the node: per-message work's start and its end (done or error). */
  progress(node: string, event: Omit<ProgressEvent, "node">): void {
    const key = `${node}\u0000${event.obsId}`;
    if (event.stage === "start") {
      const list = this.started.get(key) ?? [];
      list.push(this.now());
      this.started.set(key, list);
    } else if (event.stage === "done" || event.stage === "error") {
      const start = this.started.get(key)?.shift();
      const timing = this.byNode.get(node);
      if (start === undefined || !timing) return;
      timing.tasks++;
      timing.taskMs += this.now() - start;
    }
  }

  private seen(node: string): NodeTiming {
    const timing = this.byNode.get(node)!;
    timing.startMs ??= this.now() - this.origin;
    return timing;
  }

  /** Charge the time since the last switch to the node running until now, and switch to `node`. */
  private enter(node: string): void {
    this.charge();
    this.stack.push(node);
  }

  private leave(): void {
    this.charge();
    this.stack.pop();
  }

  private charge(): void {
    const t = this.now();
    const current = this.stack.at(-1);
    if (current !== undefined) this.byNode.get(current)!.busyMs += t - this.mark;
    this.mark = t;
  }
}
