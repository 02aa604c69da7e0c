import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../src/chains.js";
import { copyRun, temp, writeIndexFor } from "../src/stores.js";

const CLI = path.join(repoRoot, "cli", "dist", "src", "gammaflow.js");

/** Start the watching graph on `folder`, resolve once `ready` appears on stdout, then send the signals. */
function runAndInterrupt(
  folder: string,
  out: string,
  signals: number,
  pollInterval = "0.1 s",
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        "run",
        "graphs/watch-folder.json",
        "--out",
        out,
        "--set",
        `incoming.folder=${folder}`,
        "--set",
        "incoming.idleTimeout=120 s",
        "--set",
        `incoming.pollInterval=${pollInterval}`,
      ],
      { cwd: repoRoot },
    );
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (!sent && /1 new run \(23523\)/.test(stdout)) {
        sent = true;
        // let the run reach the stacker, then interrupt
        setTimeout(() => child.kill("SIGINT"), 1500);
      }
    });
    let handled = 0;
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      // signals of one kind do not queue: send the next only once the previous one was handled
      if (handled === 0 && /finishing:/.test(stderr)) {
        handled = 1;
        if (signals > 1) child.kill("SIGINT");
      }
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function prepared(): string {
  const folder = temp("signal-in");
  copyRun(folder, 23523);
  writeIndexFor(folder, [23523]);
  return folder;
}

test("Ctrl-C once finishes a streaming run: no new runs, the stack of what arrived is written as partial", {
  timeout: 120_000,
}, async () => {
  const out = temp("signal-out");
  const r = await runAndInterrupt(prepared(), out, 1);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /finishing: no new runs are taken/);
  assert.match(r.stdout, /used 1 observation: 23523/);
  assert.deepEqual(outputsIn(out), ["stacked-live.partial.fits.gz"]);
});

test("Ctrl-C twice cancels: exit code 130 and nothing half-written", { timeout: 120_000 }, async () => {
  const out = temp("signal-cancel");
  const r = await runAndInterrupt(prepared(), out, 2, "10 s");
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /cancelled: nothing more is written/);
  // the finishing run may have written its partial stack before the second Ctrl-C: complete, named so
  const left = existsSync(out) ? outputsIn(out) : [];
  assert.ok(
    left.every((f) => f === "stacked-live.partial.fits.gz"),
    left.join(", "),
  );
});

/** The files a run wrote into `out`, without the checkpoint folder an interrupted run keeps to resume from. */
function outputsIn(out: string): string[] {
  return readdirSync(out).filter((f) => f !== ".gammaflow-checkpoints");
}
