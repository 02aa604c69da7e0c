// The CLI's run report (gammaflow run --report) opened from file:// in Debian's chromium with
// JavaScript off: it loads nothing, shows its tables and figures, and fits a phone's width.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { launch } from "./browser.js";
import { REPO } from "./reference.js";

interface JsonReport {
  outputs: Array<{ path: string }>;
}

let browser: Browser;
let url: string;
let outputs: number;

before(async () => {
  // graphs/crab-fit.json with a run that is not in the store: a skipped row too
  const out = mkdtempSync(path.join(os.tmpdir(), "gammaflow-run-report-"));
  const cli = path.join(REPO, "cli/dist/src/gammaflow.js");
  const graph = path.join(REPO, "graphs/crab-fit.json");
  const obsIds = "runs.obsIds=[23523,23592,23526,23559,99999]";
  const args = [cli, "run", graph, "--out", out, "--report", "--json", "--set", obsIds];
  const result = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (result.status !== 3) throw new Error(`gammaflow run exited ${result.status}: ${result.stderr}`);
  outputs = (JSON.parse(result.stdout) as JsonReport).outputs.length;
  url = pathToFileURL(path.join(out, "report.html")).href;
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The report in a page with JavaScript off; every request but the page's own is refused and listed. */
async function open(viewport: { width: number; height: number }, mobile = false) {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport, isMobile: mobile });
  const requests: string[] = [];
  const problems: string[] = [];
  await context.route(
    (target) => target.href !== url,
    (route) => route.abort(),
  );
  const page = await context.newPage();
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url, { waitUntil: "load" });
  return { page, requests, problems, close: () => context.close() };
}

const rows = (page: Page, table: string) => page.locator(`#${table} tbody tr`).count();

test("from file:// with JavaScript off nothing leaves the page, its tables have rows, its figures draw", async () => {
  const { page, requests, problems, close } = await open({ width: 1280, height: 900 });
  assert.deepEqual(requests, [url], "the page's only request is its own file");
  assert.deepEqual(problems, []);
  assert.equal(await rows(page, "runs-used"), 4);
  assert.equal(await rows(page, "runs-skipped"), 1);
  assert.match(
    (await page.locator("#runs-skipped tbody tr").textContent()) ?? "",
    /99999.*not in the observation index/,
  );
  assert.equal(await rows(page, "graph-nodes"), 6);
  assert.equal(await rows(page, "graph-edges"), 5);
  assert.equal(await rows(page, "node-timings"), 6);
  assert.equal(await rows(page, "fit-parameters"), 8);
  assert.equal(await rows(page, "outputs"), outputs - 1, "every output but the page itself");

  const figures = page.locator("figure svg");
  assert.equal(await figures.count(), 8);
  for (const svg of await figures.all()) {
    const label = (await svg.getAttribute("aria-label")) ?? "";
    const box = await svg.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `${label}: drawn ${JSON.stringify(box)}`);
    const [, , w, h] = ((await svg.getAttribute("viewBox")) ?? "").split(" ").map(Number);
    assert.ok(Math.abs(box.height / box.width - h / w) < 0.01, `${label}: scaled with its aspect ratio`);
    assert.equal(await svg.getAttribute("role"), "img");
    assert.ok(label.length > 20, label);
  }
  // every raster inside the figures decodes (the maps and colour bars)
  const rasters = await page.evaluate(async () => {
    const sizes: number[][] = [];
    for (const image of document.querySelectorAll("figure svg image")) {
      const img = new Image();
      img.src = image.getAttribute("href") ?? "";
      await img.decode();
      sizes.push([img.naturalWidth, img.naturalHeight]);
    }
    return sizes;
  });
  assert.equal(rasters.length, 7 * 2, "a map and a colour bar in each of the 7 sky images");
  assert.ok(
    rasters.some(([w, h]) => w === 250 && h === 250),
    "the maps' 250 × 250 pixels",
  );
  await close();
});

test("at a phone's 390×844 nothing overflows sideways: wide tables scroll in their box, figures shrink", async () => {
  const { page, problems, close } = await open({ width: 390, height: 844 }, true);
  assert.deepEqual(problems, []);
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width) out.push(`page ${document.documentElement.scrollWidth}`);
    for (const e of document.body.querySelectorAll("*")) {
      // what is inside a scrolling box or a figure is clipped by it: the box and the figure are checked
      if (e.parentElement?.closest(".scroll, svg")) continue;
      const r = e.getBoundingClientRect();
      if (r.width && (r.left < -0.5 || r.right > width + 0.5)) out.push(`${e.tagName}#${e.id} ${r.left}–${r.right}`);
    }
    return { width, out };
  });
  assert.equal(overflow.width, 390);
  assert.deepEqual(overflow.out, []);
  for (const svg of await page.locator("figure svg").all()) {
    const box = await svg.boundingBox();
    assert.ok(box && box.width <= 390 && box.height > 50, JSON.stringify(box));
  }
  await close();
});
