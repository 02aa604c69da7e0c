// The PKS 2155-304 graph (21 runs) in this thread, then with 1 and 2 worker threads (piscina):
// wall time, speed-up of 2 workers over 1, and whether the stacks are identical. The machine
// has 2 cores; the main thread stacks while the workers reduce.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryLogger } from "@gammaflow/pipeline";
import { runGraphFile } from "@gammaflow/cli";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const graph = path.join(repo, "graphs", "pks2155-stack.json");

async function timed(workers) {
  const t0 = performance.now();
  const report = await runGraphFile(graph, {
    workers,
    outDir: mkdtempSync(path.join(tmpdir(), "gf-bench-")),
    logger: new MemoryLogger(),
  });
  const ms = performance.now() - t0;
  return { ms, report, stack: report.finals[0].dataset };
}

function same(a, b) {
  for (const k of ["counts", "exposure", "background", "maskSafe"]) {
    const x = a[k].data,
      y = b[k].data;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}

const inProcess = await timed(0);
const one = await timed(1);
const two = await timed(2);
const n = inProcess.report.used.length;
console.log(`PKS 2155-304: ${n} runs (skipped ${inProcess.report.skipped.length})`);
for (const [label, r] of [
  ["in process", inProcess],
  ["1 worker", one],
  ["2 workers", two],
]) {
  console.log(
    `${label.padEnd(12)} ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${(r.ms / n).toFixed(0).padStart(5)} ms/run  ` +
      `stack identical to in-process: ${same(r.stack, inProcess.stack)}`,
  );
}
console.log(
  `speed-up of 2 workers over 1: ${(one.ms / two.ms).toFixed(2)}×; ` +
    `over in-process: ${(inProcess.ms / two.ms).toFixed(2)}×`,
);
