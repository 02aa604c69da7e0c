// Shared helpers for benchmarks: best-of timing and running the reference in Debian's python.
import { spawnSync } from "node:child_process";

export const PYTHON = process.env.GAMMAFLOW_REFERENCE_PYTHON ?? "/usr/bin/python3";

/** Best wall time (ms) of `repeat` runs of fn, after one warm-up run. */
export async function bestOf(repeat, fn) {
  await fn();
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Run a python snippet that prints one number (best time in ms); null when unavailable. */
export function pythonBestMs(code) {
  const r = spawnSync(PYTHON, ["-c", code], { encoding: "utf8" });
  if (r.status !== 0) {
    console.warn(`reference run failed (${PYTHON}): ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
    return null;
  }
  return Number(r.stdout.trim().split("\n").pop());
}

export function report(name, oursMs, referenceMs, referenceName) {
  const ratio = referenceMs ? `${(referenceMs / oursMs).toFixed(1)}×` : "n/a";
  console.log(
    `${name.padEnd(44)} ours ${oursMs.toFixed(1).padStart(8)} ms   ${referenceName} ` +
      `${referenceMs ? `${referenceMs.toFixed(1).padStart(8)} ms` : "     n/a"}   speed-up ${ratio}`,
  );
}
