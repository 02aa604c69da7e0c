/**
 * Where nodes keep state that must survive a crash of the process (the stacker's running stack
 * and the obs ids in it), so that the same command run again resumes instead of starting over.
 * Values are structured-clone-able (typed arrays, plain objects). A run's checkpoints belong to
 * one graph with its overrides (see `runKey`); they are cleared when the run completes.
 */
export interface Checkpoints {
  /** The value `node` saved last, or undefined. */
  load(node: string): unknown;
  /**
   * Replace `node`'s value; a crash at any moment leaves the old value or the new one. The value
   * is copied at once; writing it may go on after (see `flush`): `load` already returns it. An
   * earlier save that could not be written throws here.
   */
  save(node: string, value: unknown): void;
  /**
   * Whether a save of `node` now is worth its cost (absent: always). Files are written at a
   * bounded share of the run's time, so a crash may redo the runs of the last second or so; the
   * node skips building a value that would not be saved.
   */
  due?(node: string): boolean;
  /**
   * Wait for saves still being written (absent: saves are written at once). A save whose write
   * failed rejects it, with that error.
   */
  flush?(): Promise<void>;
  /** Forget every node's value (the run completed), once the saves being written are done. */
  clear(): void | Promise<void>;
}

/** Checkpoints kept in memory (tests; a browser has no crash to survive). */
export class MemoryCheckpoints implements Checkpoints {
  private readonly values = new Map<string, unknown>();
  load(node: string): unknown {
    return this.values.has(node) ? structuredClone(this.values.get(node)) : undefined;
  }
  save(node: string, value: unknown): void {
    this.values.set(node, structuredClone(value));
  }
  clear(): void {
    this.values.clear();
  }
}
