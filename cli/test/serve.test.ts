// gammaflow serve: the built quick-look page on loopback, its CSP header, nothing outside the site.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { BUNDLED_CLI, CLI, start } from "./spawn-cli.js";

for (const [label, script] of [
  ["", CLI],
  [" (the bundled command, whose modules sit elsewhere)", BUNDLED_CLI],
])
  test(`serve answers the page on 127.0.0.1 with its CSP, refuses paths out and other methods${label}`, async () => {
    const running = start(["serve", "--port", "0"], script);
    try {
      const deadline = Date.now() + 20_000;
      while (!/http:\/\/\S+/.test(running.stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /http:\/\/\S+\//.exec(running.stdout)?.[0] ?? "";
      assert.ok(url?.startsWith("http://127.0.0.1:"), running.stdout + running.stderr);
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>gammaflow quick look<\/title>/);
      assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self' 'wasm-unsafe-eval';/);
      const worker = await fetch(new URL("worker.js", url));
      assert.equal(worker.headers.get("content-type"), "text/javascript; charset=utf-8");
      assert.equal((await fetch(new URL("/%2e%2e/package.json", url))).status, 404);
      assert.equal((await fetch(url, { method: "POST" })).status, 405);
    } finally {
      running.child.kill("SIGTERM");
      await running.done;
    }
  });

test("serve refuses a port that is no port number, naming the option and value", () => {
  const r = spawnSync(process.execPath, [CLI, "serve", "--port", "eighty"], { encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--port must be a port number \(0 to 65535\), got 'eighty'/);
});
