import type { Logger, Progress, ProgressEvent } from "@gammaflow/pipeline";

interface Counts {
  done: number;
  failed: number;
  note?: string;
}

export interface ProgressBarOptions {
  /** The graph's node ids in topological order: the last per-run node seen says how many runs are done. */
  nodes?: readonly string[];
  /** Seconds between plain lines when the stream is not a terminal (a batch job, nohup). */
  plainEvery?: number;
  now?: () => number;
}

/**
 * A run's progress on stderr. On a terminal: one status line redrawn in place — runs done of
 * the source's total, a bar, elapsed time and ETA, then each node's count — cut to the
 * terminal's width, with log lines printed above it. Elsewhere: a plain line every
 * `plainEvery` seconds (default 10), so a log file shows the run is alive.
 */
export class ProgressBar implements Progress {
  private readonly counts = new Map<string, Counts>();
  private readonly totals = new Map<string, number>();
  private readonly perRun = new Set<string>();
  private readonly started: number;
  private readonly now: () => number;
  private readonly live: boolean;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly stream: Pick<NodeJS.WriteStream, "write" | "isTTY" | "columns"> = process.stderr,
    private readonly options: ProgressBarOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.live = Boolean(stream.isTTY);
    if (!this.live) this.lastDraw = this.started;
    const every = this.live ? 1000 : (options.plainEvery ?? 10) * 1000;
    // a long run keeps its elapsed time (terminal) or its heartbeat (log file) going between events
    if (!options.now) this.timer = setInterval(() => this.tick(), every).unref();
  }

  emit(event: ProgressEvent): void {
    if (event.stage === "planned") {
      this.totals.set(event.node, event.total ?? 0);
      return;
    }
    const c = this.counts.get(event.node) ?? { done: 0, failed: 0 };
    if (event.stage === "done") c.done++;
    if (event.stage === "error") c.failed++;
    if (event.stage === "emit") c.note = event.message;
    if (event.obsId !== undefined && event.stage !== "emit") this.perRun.add(event.node);
    this.counts.set(event.node, c);
    if (this.live && (this.now() - this.lastDraw > 100 || event.stage !== "start")) this.draw();
  }

  /** Redraw (terminal) or write the periodic plain line when it is due. */
  tick(): void {
    if (this.live) this.draw();
    else if (this.now() - this.lastDraw >= (this.options.plainEvery ?? 10) * 1000) {
      this.lastDraw = this.now();
      this.stream.write(`progress: ${this.status(Number.POSITIVE_INFINITY)}\n`);
    }
  }

  /** A logger whose lines go above the bar instead of onto it. */
  logger(inner: Logger): Logger {
    const above = (write: () => void) => {
      if (this.live) this.stream.write("\r\x1b[2K");
      write();
      if (this.live) this.draw();
    };
    return {
      info: (m) => above(() => inner.info(m)),
      warn: (m) => above(() => inner.warn(m)),
      error: (m) => above(() => inner.error(m)),
    };
  }

  clear(): void {
    clearInterval(this.timer);
    if (this.live) this.stream.write("\r\x1b[2K");
  }

  private draw(): void {
    this.lastDraw = this.now();
    this.stream.write(`\r\x1b[2K${this.status((this.stream.columns || 80) - 1)}`);
  }

  /** The status line within `width` characters: runs, bar, times first; node counts as room allows. */
  private status(width: number): string {
    const elapsed = (this.now() - this.started) / 1000;
    const total = [...this.totals.values()].reduce((a, b) => a + b, 0);
    const sources = [...this.totals.keys()].join(", ");
    const done = this.runsDone();
    const head: string[] = [];
    if (this.totals.size) {
      const fraction = total ? Math.min(1, done / total) : 1;
      const slots = 20;
      const filled = Math.round(fraction * slots);
      head.push(`${sources}: ${done}/${total} runs`, `${"█".repeat(filled)}${"░".repeat(slots - filled)}`);
    } else if (done) {
      head.push(`${done} runs`);
    }
    head.push(`${formatSeconds(elapsed)} elapsed`);
    if (total && done > 0 && done < total) head.push(`ETA ${formatSeconds((elapsed / done) * (total - done))}`);
    const nodes = [...this.counts].map(
      ([node, c]) => `${node} ${c.note ?? c.done}${c.failed ? ` (${c.failed} failed)` : ""}`,
    );
    const line = [head.join(" · "), ...nodes].join(" │ ");
    return line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}…`;
  }

  /**
   * Runs through: those the last per-run node (in graph order) has finished, and those that
   * failed before it (an error record passes the nodes after the one that failed).
   */
  private runsDone(): number {
    const order = this.options.nodes ?? [...this.counts.keys()];
    const last = [...order].reverse().find((id) => this.perRun.has(id));
    if (!last) return 0;
    const before = order.slice(0, order.indexOf(last));
    const failedBefore = before.reduce((n, id) => n + (this.counts.get(id)?.failed ?? 0), 0);
    const at = this.counts.get(last)!;
    return at.done + at.failed + failedBefore;
  }
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes} min ${Math.round(seconds % 60)} s`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
