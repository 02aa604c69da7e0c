/**
 * The executor itself is gone (its queue's Redis unreachable or lost): not one observation's
 * failure but the run's, so `perMessage` lets it fail the node instead of making an error record.
 */
export class ExecutorLost extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExecutorLost";
  }
}
