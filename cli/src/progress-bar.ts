import type { Progress, ProgressEvent } from "@gammaflow/pipeline";

/** One status line on a terminal: per node, observations done (and failed), redrawn in place. */
export class ProgressBar implements Progress {
  private readonly counts = new Map<string, { done: number; failed: number; note?: string }>();
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  emit(event: ProgressEvent): void {
    const c = this.counts.get(event.node) ?? { done: 0, failed: 0 };
    if (event.stage === "done") c.done++;
    if (event.stage === "error") c.failed++;
    if (event.stage === "emit") c.note = event.message;
    this.counts.set(event.node, c);
    const now = Date.now();
    if (now - this.lastDraw > 100 || event.stage !== "start") this.draw(now);
  }

  private draw(now: number): void {
    this.lastDraw = now;
    const parts = [...this.counts].map(
      ([node, c]) => `${node} ${c.note ?? c.done}${c.failed ? ` (${c.failed} failed)` : ""}`,
    );
    const line = parts.join(" │ ").slice(0, (this.stream.columns ?? 100) - 1);
    this.stream.write(`\r\x1b[2K${line}`);
  }

  clear(): void {
    this.stream.write("\r\x1b[2K");
  }
}
