// Imports nothing slow: the commands install this before loading anything else, so a signal
// in the first moments ends the process with its exit code instead of killing it.

export type StopSignal = "SIGINT" | "SIGTERM";

/** 128 + the signal's number, as shells report a process ended by it. */
export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

const FINISHING_A_RUN = "no new runs are taken, work in flight completes and outputs are written, named *.partial.*";

/** What a graph run gets from `Interrupts.startRun`. */
export interface RunSignals {
  /** Aborted by the first signal: take no new runs, finish and write (partial) outputs. */
  finish: AbortSignal;
  /** Aborted by the second: stop at once, write nothing more. */
  cancel: AbortSignal;
  /** The run is over: a signal from now on exits at once. */
  end(): void;
}

/**
 * SIGINT (Ctrl-C) and SIGTERM for a command. While a graph runs, the first signal asks it to
 * finish (sources take no new runs; outputs are written, named partial), the second cancels
 * it (nothing more is written; the report is still printed) and a third exits at once.
 * Outside a run a signal exits at once: writes are synchronous and atomic, so no handler runs
 * in the middle of one and no half-written file can be left.
 */
export class Interrupts {
  /** The first signal received. */
  received?: StopSignal;
  private count = 0;
  private run?: { finish: AbortController; cancel: AbortController; finishing: string };
  /** A run has started (its report is printed when it ends). */
  private started = false;

  /** `json`: a signal outside a run prints its report as JSON on stdout (a `--json` run). */
  constructor(private readonly options: { json?: boolean } = {}) {}

  install(): this {
    for (const name of ["SIGINT", "SIGTERM"] as const) process.on(name, () => this.handle(name));
    return this;
  }

  /** The exit code of the first signal received, if any. */
  get exitCode(): number | undefined {
    return this.received && SIGNAL_EXIT_CODES[this.received];
  }

  /** `finishing`: what the first signal does, for its message (a graph run's by default). */
  startRun(finishing = FINISHING_A_RUN): RunSignals {
    const run = { finish: new AbortController(), cancel: new AbortController(), finishing };
    this.run = run;
    this.started = true;
    this.count = 0;
    return {
      finish: run.finish.signal,
      cancel: run.cancel.signal,
      end: () => {
        if (this.run === run) this.run = undefined;
      },
    };
  }

  /**
   * Let a signal that arrived during the last synchronous stretch of a run (its final write) be
   * handled before the exit code is decided: signal callbacks run in the event loop's poll
   * phase, before the immediate.
   */
  settle(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  private handle(name: StopSignal): void {
    this.received ??= name;
    this.count++;
    const code = SIGNAL_EXIT_CODES[this.received];
    const run = this.run;
    if (!run || this.count > 2) {
      process.stderr.write(`\n${name}: stopped${run ? "" : " (no graph was running: nothing half-written)"}\n`);
      if (this.options.json && !this.started) {
        const problems = [`interrupted by ${name} before a graph ran`];
        console.log(JSON.stringify({ cancelled: true, partial: false, interrupted: name, exitCode: code, problems }));
      }
      process.exit(code);
    }
    if (this.count === 1) {
      run.finish.abort();
      process.stderr.write(`\n${name}: finishing: ${run.finishing} (again cancels)\n`);
    } else {
      run.cancel.abort();
      process.stderr.write(`\n${name}: cancelled: nothing more is written (again exits at once)\n`);
      // the report follows at once; should closing take long (a worker pool), exit anyway
      setTimeout(() => process.exit(code), 2000).unref();
    }
  }
}
