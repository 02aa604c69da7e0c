// A full garbage collection on request, for the few places that know a large piece of memory
// just became garbage that V8 would otherwise keep for a long while (see the callers).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined;

/** Collect this thread's garbage now (a full, synchronous collection). */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString("--expose-gc");
    // a context made after the flag has `gc`; the thread's own global does not
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}
