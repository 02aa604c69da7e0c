// Time from drop to maps for the 4 bundled Crab runs on the quick-look page (Debian's chromium,
// the page served on loopback) against `gammaflow run graphs/quick-look.json` on this machine.
// After `npm run build`: node bench/quick-look.mjs [--repeat N]   (medians of N, default 3)
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { serveSite } from "@gammaflow/web";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { repeat: { type: "string", default: "3" } } });
const repeat = Number(values.repeat);
const dataDir = path.join(repo, "data/hess-dl3-dr1/data");
const runs = readdirSync(dataDir)
  .sort()
  .map((f) => ({ name: f, data: readFileSync(path.join(dataDir, f)).toString("base64") }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One fresh page: drop the runs, wait for the last map; the page's own drop-to-done time. */
async function pageRun(browser, url) {
  const page = await browser.newPage();
  await page.goto(url);
  await page.fill("input[name=ra]", "83.63");
  await page.fill("input[name=dec]", "22.01");
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const { name, data } of list)
      dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name));
    return dt;
  }, runs);
  const t0 = Date.now();
  await page.dispatchEvent("#drop", "drop", { dataTransfer: transfer });
  await page.waitForFunction(
    () => document.body.dataset.state === "ready" && document.querySelectorAll("#maps img").length === 5,
    null,
    {
      timeout: 300_000,
    },
  );
  const wall = Date.now() - t0;
  const worker = Number(await page.getAttribute("body", "data-elapsed-ms"));
  await page.close();
  return { wall, worker };
}

function cliRun() {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      path.join(repo, "cli/dist/src/gammaflow.js"),
      "run",
      path.join(repo, "graphs/quick-look.json"),
      "--out",
      "/tmp/gammaflow-bench-ql",
      "--json",
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`gammaflow run failed: ${r.stderr}`);
  return { wall: performance.now() - t0, run: JSON.parse(r.stdout).durationMs };
}

const { server, url } = await serveSite();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const page = [];
const cli = [];
try {
  for (let i = 0; i < repeat; i++) {
    page.push(await pageRun(browser, url));
    cli.push(cliRun());
  }
} finally {
  await browser.close();
  server.close();
}
const ms = (xs) => Math.round(median(xs));
console.log(`4 Crab runs, graphs/quick-look.json's chain, medians of ${repeat} (alternating):`);
console.log(
  `  page  drop → 5 maps shown ${ms(page.map((p) => p.wall))} ms (worker ${ms(page.map((p) => p.worker))} ms)`,
);
console.log(`  CLI   process ${ms(cli.map((c) => c.wall))} ms (run ${ms(cli.map((c) => c.run))} ms, no maps drawn)`);
