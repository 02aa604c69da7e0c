// Debian's chromium driven by playwright-core (no browser download), shared by the browser tests.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** The browser: $CHROMIUM, else Debian's (apt-get install chromium; .ci/run installs it when missing). */
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium, or set $CHROMIUM to one`);
  // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}
