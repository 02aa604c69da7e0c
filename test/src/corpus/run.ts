/**
 * The corpus runner: each mutated run in a copy of the bundled store beside the 3 intact runs,
 * reduced by the CLI in a process of its own (timeout, memory measured), and judged: the right
 * numbers, or the run skipped with an error naming its file (and HDU, column) while the other
 * runs are stacked — never a crash, a hang, or numbers that are silently wrong.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { readDataset } from "@gammaflow/core/node";
import type { Mutation, Source } from "./mutations.js";

export const REPO = path.resolve(import.meta.dirname, "../../../..");
export const STORE = path.join(REPO, "data/hess-dl3-dr1");
export const OBS_IDS = [23523, 23526, 23559, 23592] as const;
const GRAPH = path.join(REPO, "test/corpus/graph.json");
const CLI = path.join(REPO, "cli/dist/src/gammaflow.js");
const RSS_HOOK = path.join(REPO, "test/corpus/rss-hook.mjs");
/** Peak memory allowed for any run of the corpus, bombs included (issue 15). */
export const MAX_RSS_BYTES = 1024 ** 3;

export const runFile = (obsId: number) => `data/hess_dl3_dr1_obs_id_${String(obsId).padStart(6, "0")}.fits.gz`;

export interface Numbers {
  counts: number;
  background: number;
  exposure: number;
  used: number[];
}

export interface Outcome {
  exit: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  maxRssBytes: number;
  skipped: Array<{ obsId?: number; node: string; reason: string }>;
  log: Array<{ level: string; message: string }>;
  numbers?: Numbers;
  stderr: string;
}

export interface Verdict {
  id: string;
  ok: boolean;
  why: string;
  outcome: Outcome;
}

/** A store: the bundled index files and runs, with `replace` (obs id → file maker) written instead. */
export function makeStore(replace?: { obsId: number; write: (target: string) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gammaflow-corpus-"));
  mkdirSync(path.join(dir, "data"));
  for (const name of ["hdu-index.fits.gz", "obs-index.fits.gz"])
    copyFileSync(path.join(STORE, name), path.join(dir, name));
  for (const obsId of OBS_IDS) {
    const target = path.join(dir, runFile(obsId));
    if (replace?.obsId === obsId) replace.write(target);
    else copyFileSync(path.join(STORE, runFile(obsId)), target);
  }
  return dir;
}

export function source(obsId: number): Source {
  const file = path.join(STORE, runFile(obsId));
  const gz = readFileSync(file);
  return { path: file, gz, raw: gunzipSync(gz) };
}

/** The CLI's reduction of a store, in a child process. */
export function reduce(store: string, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  const out = path.join(store, "out");
  const args = ["--import", RSS_HOOK, CLI, "run", GRAPH, "--set", `inputs.dataStore=${store}`, "--out", out, "--json"];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...options.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 120_000);
    child.on("close", (exit, signal) => {
      clearTimeout(timer);
      const rss = /CORPUS_MAX_RSS=(\d+)/.exec(stderr);
      const report = parseReport(stdout);
      let numbers: Numbers | undefined;
      try {
        const dataset = readDataset(path.join(out, "stacked.fits.gz"));
        numbers = {
          counts: dataset.counts.sum(),
          background: dataset.background?.sum() ?? 0,
          exposure: dataset.exposure?.sum() ?? 0,
          used: report?.used ?? [],
        };
      } catch {
        numbers = undefined;
      }
      resolve({
        exit,
        signal,
        timedOut,
        maxRssBytes: rss ? Number(rss[1]) * 1024 : Number.NaN,
        skipped: report?.skipped ?? [],
        log: report?.log ?? [],
        numbers,
        stderr: stderr.replace(/CORPUS_MAX_RSS=\d+\s*/, "").trim(),
      });
    });
  });
}

function parseReport(stdout: string): { used: number[]; skipped: Outcome["skipped"]; log: Outcome["log"] } | undefined {
  try {
    return JSON.parse(stdout.slice(stdout.indexOf("{")));
  } catch {
    return undefined;
  }
}

/** The numbers every verdict compares with: all four runs, and all but each one. */
export async function baselines(): Promise<Map<string, Numbers>> {
  const out = new Map<string, Numbers>();
  const clean = makeStore();
  try {
    const all = await reduce(clean);
    if (!all.numbers) throw new Error(`the intact store does not reduce: ${all.stderr}`);
    out.set("all", all.numbers);
  } finally {
    rmSync(clean, { recursive: true, force: true });
  }
  for (const obsId of OBS_IDS) {
    // the run left out as a missing file is the expected result of refusing it
    const store = makeStore({ obsId, write: () => {} });
    try {
      const outcome = await reduce(store);
      if (!outcome.numbers) throw new Error(`the store without run ${obsId} does not reduce: ${outcome.stderr}`);
      out.set(`without ${obsId}`, outcome.numbers);
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  }
  return out;
}

const close = (a: number, b: number, rtol = 1e-6) =>
  Math.abs(a - b) <= rtol * Math.max(Math.abs(a), Math.abs(b), 1e-30);

function sameNumbers(a: Numbers | undefined, b: Numbers): string | undefined {
  if (!a) return "no stacked dataset written";
  if (a.used.join() !== b.used.join()) return `used runs ${a.used} instead of ${b.used}`;
  if (a.counts !== b.counts) return `counts ${a.counts} instead of ${b.counts}`;
  if (!close(a.background, b.background)) return `background ${a.background} instead of ${b.background}`;
  if (!close(a.exposure, b.exposure)) return `exposure ${a.exposure} instead of ${b.exposure}`;
  return undefined;
}

/** Whether `text` names the mutated file and every word of `mentions` (case-insensitive). */
function names(text: string, mutation: Mutation): boolean {
  const lower = text.toLowerCase();
  const file = path.basename(runFile(mutation.obsId)).toLowerCase();
  return lower.includes(file) && mutation.mentions.every((m) => lower.includes(m.toLowerCase()));
}

/** The verdict on one mutation's outcome. */
export function judge(mutation: Mutation, outcome: Outcome, base: Map<string, Numbers>, equivalent?: Numbers): Verdict {
  const verdict = (ok: boolean, why: string): Verdict => ({ id: mutation.id, ok, why, outcome });
  if (outcome.timedOut) return verdict(false, "hang: killed after the timeout");
  if (outcome.signal) return verdict(false, `crash: ended by ${outcome.signal}`);
  if (outcome.maxRssBytes > MAX_RSS_BYTES)
    return verdict(false, `memory: peak ${(outcome.maxRssBytes / 2 ** 20).toFixed(0)} MiB`);
  if (/^\s+at .*\(.*:\d+:\d+\)$/m.test(outcome.stderr) && !outcome.numbers)
    return verdict(false, `crash: uncaught error\n${outcome.stderr.split("\n").slice(0, 3).join("\n")}`);
  const skip = outcome.skipped.find((s) => s.obsId === mutation.obsId);
  const refused = (): Verdict => {
    if (!names(skip!.reason, mutation))
      return verdict(false, `error does not name the file and ${mutation.mentions.join(", ") || "-"}: ${skip!.reason}`);
    const wrong = sameNumbers(outcome.numbers, base.get(`without ${mutation.obsId}`)!);
    return wrong ? verdict(false, `refused, but the other runs' stack is wrong: ${wrong}`) : verdict(true, "refused");
  };
  const reduced = (want: Numbers | undefined): Verdict => {
    if (!want) return verdict(false, "no numbers to compare with");
    const wrong = sameNumbers(outcome.numbers, want);
    return wrong ? verdict(false, `silently wrong: ${wrong}`) : verdict(true, "right numbers");
  };
  switch (mutation.expect) {
    case "error":
      return skip
        ? refused()
        : verdict(false, `accepted: ${sameNumbers(outcome.numbers, base.get("all")!) ?? "same numbers"}`);
    case "same":
      return skip ? verdict(false, `refused: ${skip.reason}`) : reduced(base.get("all"));
    case "same-or-error":
      return skip ? refused() : reduced(base.get("all"));
    case "equivalent":
      return skip ? refused() : reduced(equivalent);
    case "warn-or-error": {
      if (skip) return refused();
      const warned = outcome.log.some((l) => l.level === "warn" && names(l.message, mutation));
      if (warned) return verdict(true, "warned");
      return verdict(false, `silently accepted: ${sameNumbers(outcome.numbers, base.get("all")!) ?? "same numbers"}`);
    }
  }
}

/** Makes, reduces and judges one mutation (its stores removed afterwards). */
export async function runMutation(mutation: Mutation, base: Map<string, Numbers>, env?: NodeJS.ProcessEnv) {
  const src = source(mutation.obsId);
  const store = makeStore({ obsId: mutation.obsId, write: (target) => mutation.make(src, target) });
  let equivalent: Numbers | undefined;
  try {
    if (mutation.equivalent) {
      const clean = makeStore({ obsId: mutation.obsId, write: (target) => mutation.equivalent!(src, target) });
      try {
        equivalent = (await reduce(clean, { env })).numbers;
      } finally {
        rmSync(clean, { recursive: true, force: true });
      }
    }
    return judge(mutation, await reduce(store, { env }), base, equivalent);
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}
