import { test } from "node:test";
import assert from "node:assert/strict";
import type { ProgressEvent } from "@gammaflow/pipeline";
import { ProgressBar } from "../src/progress-bar.js";

/** A stream that records what is written, with a clock the test moves. */
function terminal(isTTY: boolean, columns = 100) {
  const writes: string[] = [];
  const clock = { t: 0 };
  const stream = { isTTY, columns, write: (s: string) => writes.push(s) > 0 };
  return { writes, clock, stream, now: () => clock.t };
}

const NODES = ["runs", "maker", "safe", "stack"];
/** Carriage return and erase-line: a redraw in place. */
const CLEAR = "\r\x1b[2K";
const redrawn = (write: string) => {
  assert.ok(write.startsWith(CLEAR), JSON.stringify(write));
  return write.slice(CLEAR.length);
};

function reduce(bar: ProgressBar, obsId: number, failAt?: string) {
  for (const node of ["maker", "safe"]) {
    bar.emit({ node, obsId, stage: "start" });
    const stage: ProgressEvent["stage"] = node === failAt ? "error" : "done";
    bar.emit({ node, obsId, stage });
    if (node === failAt) return;
  }
}

test("on a terminal: the source and its total, a bar, elapsed time and ETA, within the terminal's width", () => {
  const t = terminal(true, 100);
  const bar = new ProgressBar(t.stream, { nodes: NODES, now: t.now });
  bar.emit({ node: "runs", stage: "planned", total: 4 });
  t.clock.t = 2000;
  reduce(bar, 1);
  const line = redrawn(t.writes.at(-1)!);
  assert.match(line, /^runs: 1\/4 runs · █████░{15} · 2\.0 s elapsed · ETA 6\.0 s │ maker 1 │ safe 1$/);
  t.clock.t = 4000;
  reduce(bar, 2, "maker");
  assert.match(t.writes.at(-1)!, /runs: 2\/4 runs .* 4\.0 s elapsed · ETA 4\.0 s │ maker 1 \(1 failed\) │ safe 1$/);
  const narrow = terminal(true, 40);
  const small = new ProgressBar(narrow.stream, { nodes: NODES, now: narrow.now });
  small.emit({ node: "runs", stage: "planned", total: 4 });
  reduce(small, 1);
  const drawn = redrawn(narrow.writes.at(-1)!);
  assert.ok(drawn.length <= 39, `${drawn.length} columns: ${drawn}`);
  assert.ok(drawn.endsWith("…"));
});

test("log lines go above the bar, which is drawn again below them", () => {
  const t = terminal(true);
  const bar = new ProgressBar(t.stream, { nodes: NODES, now: t.now });
  bar.emit({ node: "runs", stage: "planned", total: 2 });
  reduce(bar, 1);
  const lines: string[] = [];
  bar.logger({ info: (m) => lines.push(m), warn: () => {}, error: () => {} }).info("a log line");
  assert.deepEqual(lines, ["a log line"]);
  const [cleared, again] = t.writes.slice(-2);
  assert.equal(cleared, CLEAR, "the bar is cleared before the line is printed");
  assert.match(redrawn(again), /^runs: 1\/2 runs/);
});

test("not on a terminal: a plain line every 10 s, nothing in between", () => {
  const t = terminal(false);
  const bar = new ProgressBar(t.stream, { nodes: NODES, now: t.now });
  bar.emit({ node: "runs", stage: "planned", total: 3 });
  reduce(bar, 1);
  t.clock.t = 9000;
  bar.tick();
  assert.deepEqual(t.writes, [], "no line before 10 s, and no bar");
  t.clock.t = 10_000;
  bar.tick();
  assert.deepEqual(t.writes, [
    "progress: runs: 1/3 runs · ███████░░░░░░░░░░░░░ · 10 s elapsed · ETA 20 s │ maker 1 │ safe 1\n",
  ]);
  bar.tick();
  assert.equal(t.writes.length, 1);
  bar.clear();
  assert.equal(t.writes.length, 1, "clearing writes nothing to a log file");
});
