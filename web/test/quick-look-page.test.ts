// The built page in Debian's chromium: the 4 bundled Crab runs dropped on it reduce, in its
// worker under the page's Content-Security-Policy, to the CLI's stack for graphs/quick-look.json.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { FitsFile } from "@gammaflow/core";
import { serveSite } from "../src/index.js";
import { compareFits } from "./fits-compare.js";
import { launch } from "./browser.js";
import { cliReference, RUN_FILES, STORE, TARGET, type Totals } from "./reference.js";

const reference = cliReference();
let browser: Browser;
let server: Server;
let url: string;

before(async () => {
  ({ server, url } = await serveSite());
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
});

/** A page with the target typed in, recording CSP violations and errors. */
async function openPage(viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP: ${e.violatedDirective}`)),
  );
  await page.goto(url);
  await page.fill("input[name=ra]", TARGET.ra);
  await page.fill("input[name=dec]", TARGET.dec);
  return { page, problems };
}

/** Drop files on the drop zone, as a user's drag and drop delivers them. */
async function drop(page: Page, files: string[]): Promise<void> {
  const payload = files.map((f) => ({ name: path.basename(f), data: readFileSync(f).toString("base64") }));
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const { name, data } of list)
      dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name));
    return dt;
  }, payload);
  await page.dispatchEvent("#drop", "drop", { dataTransfer: transfer });
}

async function waitForStack(page: Page, runs: number): Promise<void> {
  await page.waitForFunction(
    (n) =>
      document.body.dataset.state === "ready" && document.querySelector("[data-total=runs]")?.textContent === String(n),
    runs,
    { timeout: 120_000 },
  );
}

async function pageTotals(page: Page): Promise<Totals> {
  const value = (key: string) => page.getAttribute(`[data-total=${key}]`, "data-value").then(Number);
  return { counts: await value("counts"), excess: await value("excess"), peakSignificance: await value("peak") };
}

test("the 4 Crab runs dropped on the page give the CLI's counts, excess, peak significance and file", async (t) => {
  const { page, problems } = await openPage();
  await drop(page, RUN_FILES);
  await waitForStack(page, 4);
  assert.deepEqual(await pageTotals(page), reference.totals);
  assert.deepEqual(await page.$$eval("#runs tr", (rows) => rows.map((r) => (r as HTMLElement).dataset.status)), [
    "used",
    "used",
    "used",
    "used",
  ]);
  assert.deepEqual(await page.$$eval("#runs tr td:first-child", (cells) => cells.map((c) => c.textContent)), [
    "23523",
    "23526",
    "23559",
    "23592",
  ]);
  const figures = await page.$$eval("#maps figure", (list) =>
    list.map((f) => ({ map: (f as HTMLElement).dataset.map, alt: f.querySelector("img")?.alt ?? "" })),
  );
  assert.deepEqual(
    figures.map((f) => f.map),
    ["counts", "exposure", "background", "excess", "significance"],
  );
  for (const { alt } of figures) assert.match(alt, /centred on RA 83\.63°, Dec 22\.01°/);
  // every image decoded (an SVG the browser rejects has no natural width)
  assert.ok(await page.$$eval("#maps img", (imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)));

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  assert.equal(download.suggestedFilename(), "stacked.fits.gz");
  const saved = path.join(mkdtempSync(path.join(os.tmpdir(), "gammaflow-web-")), "stacked.fits.gz");
  await download.saveAs(saved);
  const ours = FitsFile.parse(gunzipSync(readFileSync(saved)));
  const cli = FitsFile.parse(gunzipSync(readFileSync(reference.file)));
  const { problems: differences, withinTolerance } = compareFits(ours, cli);
  assert.deepEqual(differences, [], "the page's file is the CLI's, HDU by HDU");
  // Node 20's V8 and chromium's round a few Math.exp/Math.log results differently in the last bit
  t.diagnostic(`float values within 4 ulp, not equal: ${JSON.stringify(withinTolerance)}`);
  assert.deepEqual(
    ["COUNTS", "EXPOSURE", "BACKGROUND", "MASK_SAFE"].filter((name) => withinTolerance[name]),
    [],
    "the maps themselves are bit for bit the CLI's",
  );

  const screenshot = process.env.GAMMAFLOW_SCREENSHOT ?? path.join(os.tmpdir(), "gammaflow-quick-look.png");
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.deepEqual(problems, [], "no CSP violation, page error or console error");
  await page.close();
});

test("a folder with index files, chosen on a phone, stacks the same; the page fits the screen", async () => {
  const { page, problems } = await openPage({ width: 390, height: 844 });
  await page.setInputFiles("#folder", STORE);
  await waitForStack(page, 4);
  assert.deepEqual(await pageTotals(page), reference.totals);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone's screen`);
  assert.deepEqual(problems, []);
  await page.close();
});

test("runs dropped one after another update the stack as they arrive", async () => {
  const { page, problems } = await openPage();
  for (const [i, file] of RUN_FILES.entries()) {
    await drop(page, [file]);
    await waitForStack(page, i + 1);
  }
  assert.deepEqual(await pageTotals(page), reference.totals);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the page runs under its Content-Security-Policy: an inline script is refused", async () => {
  const { page, problems } = await openPage();
  const ran = await page.evaluate(async () => {
    const script = document.createElement("script");
    script.textContent = "window.inlineRan = true";
    document.head.append(script);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
  });
  assert.equal(ran, false);
  assert.ok(
    problems.includes("console: CSP: script-src-elem"),
    `a securitypolicyviolation event: ${problems.join("; ")}`,
  );
  await page.close();
});
