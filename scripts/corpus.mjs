// The mutation corpus of issue 15, all of it: every mutation class on the 4 bundled Crab runs plus
// the size bombs, each reduced by the CLI in its own process and judged (test/src/corpus).
// Usage: node scripts/corpus.mjs [--only SUBSTRING] [--jobs N]   (npm test runs a fast subset)
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bombs, mutations } from "../test/dist/src/corpus/mutations.js";
import { baselines, OBS_IDS, REPO, runMutation } from "../test/dist/src/corpus/run.js";

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : "";
const jobs = args.includes("--jobs") ? Number(args[args.indexOf("--jobs") + 1]) : 2;
const all = [...mutations(OBS_IDS), ...bombs(23592)].filter((m) => m.id.includes(only));
const t0 = performance.now();
const base = await baselines();
const verdicts = [];
let next = 0;
await Promise.all(
  Array.from({ length: jobs }, async () => {
    while (next < all.length) {
      const mutation = all[next++];
      const verdict = await runMutation(mutation, base);
      verdicts.push({ mutation, verdict });
      const mib = (verdict.outcome.maxRssBytes / 2 ** 20).toFixed(0);
      console.log(`${verdict.ok ? "ok  " : "FAIL"} ${mutation.id.padEnd(44)} ${mib.padStart(5)} MiB  ${verdict.why}`);
    }
  }),
);
const failed = verdicts.filter((v) => !v.verdict.ok);
const kinds = new Map();
for (const { mutation, verdict } of verdicts) {
  const k = kinds.get(mutation.kind) ?? { ok: 0, n: 0, why: new Set() };
  k.n++;
  if (verdict.ok) k.ok++;
  k.why.add(verdict.why.split(":")[0]);
  kinds.set(mutation.kind, k);
}
const peak = Math.max(...verdicts.map((v) => v.verdict.outcome.maxRssBytes));
const lines = [
  `# Mutation corpus — ${new Date().toISOString().slice(0, 10)}`,
  "",
  `${verdicts.length} mutated files, ${failed.length} failures, peak memory ${(peak / 2 ** 20).toFixed(0)} MiB,`,
  `${((performance.now() - t0) / 1000).toFixed(0)} s (node scripts/corpus.mjs).`,
  "",
  "| mutation | files | right | outcomes |",
  "| --- | --- | --- | --- |",
  ...[...kinds].map(([kind, k]) => `| ${kind} | ${k.n} | ${k.ok} | ${[...k.why].join("; ")} |`),
];
if (!only) {
  mkdirSync(path.join(REPO, "bench/results"), { recursive: true });
  writeFileSync(path.join(REPO, "bench/results/corpus.md"), `${lines.join("\n")}\n`);
}
console.log(`\n${lines.slice(2, 4).join(" ")}`);
process.exitCode = failed.length ? 1 : 0;
