/**
 * Which computations run: the tuned kernels (the default: fused, table-driven and WebAssembly
 * loops) or the reference paths they are checked against (the plain computation each of them
 * replaces: `evaluateOuter` point by point, the background's general integration, stacking in
 * three passes, masks re-projected pixel by pixel). Both give the same numbers, bit for bit or
 * within a few ulp; the switch keeps that true as the tuned code changes (see the chain test in
 * test/e2e). It is the process's: a run that wants the reference paths sets it before it starts
 * and passes it on to its workers.
 */
export type KernelPaths = "tuned" | "reference";

let current: KernelPaths = "tuned";

/** The paths in use. */
export function kernelPaths(): KernelPaths {
  return current;
}

/** Switch the process to `paths`; returns the previous setting. */
export function setKernelPaths(paths: KernelPaths): KernelPaths {
  if (paths !== "tuned" && paths !== "reference")
    throw new Error(`kernel paths must be "tuned" or "reference", got ${JSON.stringify(paths)}`);
  const previous = current;
  current = paths;
  return previous;
}

/** Run `fn` (synchronously) with `paths`, then restore the previous setting. */
export function withKernelPaths<T>(paths: KernelPaths, fn: () => T): T {
  const previous = setKernelPaths(paths);
  try {
    return fn();
  } finally {
    setKernelPaths(previous);
  }
}

/** Whether the tuned kernels may run (false while the reference paths are switched on). */
export function tunedPaths(): boolean {
  return current === "tuned";
}
