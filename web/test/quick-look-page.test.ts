// The built page in Debian's chromium: the 4 bundled Crab runs dropped on it reduce, in its
// worker under the page's Content-Security-Policy, to the CLI's stack for graphs/quick-look.json.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { FitsFile } from "@gammaflow/core";
import { CONTENT_SECURITY_POLICY, serveSite, SITE_DIR } from "../src/index.js";
import { compareFits } from "./fits-compare.js";
import { launch } from "./browser.js";
import { cliReference, REPO, RUN_FILES, STORE, TARGET, type Totals } from "./reference.js";

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
async function openPage(
  viewport = { width: 1280, height: 900 },
  typeTarget = true,
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP: ${e.violatedDirective}`)),
  );
  const response = await page.goto(url);
  // served with a strict policy: no 'unsafe-eval' (nor 'unsafe-inline'); 'wasm-unsafe-eval' is for WebAssembly
  const policy = response?.headers()["content-security-policy"];
  assert.match(policy ?? "", /script-src 'self'/);
  assert.doesNotMatch(policy ?? "", /'unsafe-/);
  if (typeTarget) {
    await page.fill("input[name=ra]", TARGET.ra);
    await page.fill("input[name=dec]", TARGET.dec);
  }
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

/** Choose one of the bundled graphs in the page's list, once the list has loaded. */
async function chooseGraph(page: Page, file: string): Promise<void> {
  await page.waitForFunction(() => Number(document.body.dataset.graphs) > 0);
  await page.selectOption("#graph", file);
  await page.waitForFunction(() => document.body.dataset.state === "ready");
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

test("graphs/quick-look.json chosen on the page runs on the 4 runs under a strict CSP: the CLI's stack", async (t) => {
  const { page, problems } = await openPage(undefined, false);
  // served with the header, not only the meta tag: a worker's script obeys the header
  assert.equal(CONTENT_SECURITY_POLICY.includes("'unsafe-eval'"), false);
  await chooseGraph(page, "quick-look.json");
  await drop(page, RUN_FILES);
  await waitForStack(page, 4);
  assert.deepEqual(await pageTotals(page), reference.totals);
  assert.deepEqual(await page.$$eval("#runs tr", (rows) => rows.map((r) => (r as HTMLElement).dataset.status)), [
    "used",
    "used",
    "used",
    "used",
  ]);
  assert.equal(await page.textContent("#download"), "Download stacked.fits.gz");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  assert.equal(download.suggestedFilename(), "stacked.fits.gz");
  const saved = path.join(mkdtempSync(path.join(os.tmpdir(), "gammaflow-web-graph-")), "stacked.fits.gz");
  await download.saveAs(saved);
  const ours = FitsFile.parse(gunzipSync(readFileSync(saved)));
  const cli = FitsFile.parse(gunzipSync(readFileSync(reference.file)));
  const { problems: differences, withinTolerance } = compareFits(ours, cli);
  assert.deepEqual(differences, [], "the graph's file is the CLI's, HDU by HDU");
  t.diagnostic(`float values within 4 ulp, not equal: ${JSON.stringify(withinTolerance)}`);
  assert.deepEqual(
    ["COUNTS", "EXPOSURE", "BACKGROUND", "MASK_SAFE"].filter((name) => withinTolerance[name]),
    [],
  );
  assert.deepEqual(problems, [], "no CSP violation (no eval), page error or console error");
  await page.close();
});

test("the minified page prints plugin ids and gammapy's class names, never its own class names", async () => {
  const { page, problems } = await openPage(undefined, false);
  await chooseGraph(page, "stacking.json");
  await drop(page, RUN_FILES);
  await waitForStack(page, 1);
  // the summary node's printout: the dataset's type by its tag (the bundle renamed the class)
  assert.match((await page.textContent("#log")) ?? "", /print:\nMapDataset\n-+\n/);
  assert.deepEqual(await page.$$eval("#runs tr td:last-child", (cells) => cells.map((c) => c.textContent)), [
    "skipped: not selected by the graph's source",
    "skipped: not selected by the graph's source",
    "skipped: not selected by the graph's source",
    "stacked",
  ]);
  // a graph file with a misspelt plugin and one with a Node-only plugin: refused by id and node
  const graphFile = async (name: string, graph: unknown) => {
    const before = await page.textContent("#status");
    const buffer = Buffer.from(JSON.stringify(graph));
    await page.setInputFiles("#graph-file", { name, mimeType: "application/json", buffer });
    await page.waitForFunction(
      (shown) => document.body.dataset.state === "error" && document.getElementById("status")?.textContent !== shown,
      before,
    );
    return page.textContent("#status");
  };
  const stacking = JSON.parse(readFileSync(path.join(REPO, "graphs/stacking.json"), "utf8"));
  stacking.nodes[2].plugin = "stackr";
  assert.match((await graphFile("misspelt.json", stacking)) ?? "", /node 'stack'.*'stackr'.*did you mean 'stacker'/s);
  const combined = JSON.parse(readFileSync(path.join(REPO, "graphs/combined-chain.json"), "utf8"));
  assert.match(
    (await graphFile("combined-chain.json", combined)) ?? "",
    /node 'preview': plugin 'png-preview' \(\/nodes\/7\/plugin\) needs Node/,
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test("the built bundles hold no eval and no code generation; their classes are renamed", () => {
  for (const name of ["page.js", "worker.js"]) {
    const code = readFileSync(path.join(SITE_DIR, name), "utf8");
    const generated = /new Function\s*\(|(?<![\w$.])Function\s*\(\s*["'`]|(?<![\w$.])eval\s*\)?\s*\(/;
    assert.equal(code.match(generated)?.[0], undefined, name);
  }
  const worker = readFileSync(path.join(SITE_DIR, "worker.js"), "utf8");
  // the minifier renames classes, so no printed name may come from one (tags and plugin ids do)
  assert.doesNotMatch(worker, /class MapDataset\b/);
  assert.match(worker, /"MapDataset"/);
});

test("under the served policy a worker of the page may not generate code (where graphs run)", async () => {
  // the site and a probe script beside it, served as gammaflow serve serves the page
  const dir = mkdtempSync(path.join(os.tmpdir(), "gammaflow-web-csp-"));
  cpSync(SITE_DIR, dir, { recursive: true });
  const probe = [
    "const attempt = (f) => { try { return String(f()); } catch (error) { return error.name; } };",
    'postMessage({ fn: attempt(() => new Function("return 1")()), eval: attempt(() => (0, eval)("1")) });',
  ];
  writeFileSync(path.join(dir, "probe.js"), `${probe.join("\n")}\n`);
  const served = await serveSite({ dir });
  try {
    const page = await browser.newPage();
    await page.goto(served.url);
    const outcome = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const worker = new Worker("probe.js");
          worker.onmessage = (event) => resolve(event.data);
        }),
    );
    assert.deepEqual(outcome, { fn: "EvalError", eval: "EvalError" });
    await page.close();
  } finally {
    served.server.close();
  }
});
