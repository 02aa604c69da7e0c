import { test } from "node:test";
import assert from "node:assert/strict";
import { bombs, mutations } from "../src/corpus/mutations.js";
import { baselines, runMutation, type Verdict } from "../src/corpus/run.js";

// A fast subset of the mutation corpus (all of it: node scripts/corpus.mjs): one file per class of
// damage on run 23592, each reduced by the CLI beside the 3 intact runs, plus the two size bombs.
const KINDS = [
  "gz-truncated-0.3",
  "gz-bitflip-0.5",
  "gz-crc",
  "not-gzipped",
  "truncated-events-data",
  "events-naxis2-0",
  "events-end-blanked",
  "header-non-ascii",
  "xtension-not-first",
  "tdim-huge-aeff",
  "tform-unknown",
  "events-declares-56gb",
  "deadc-0",
  "unit-unknown",
  "extname-psf-renamed",
  "column-energy-renamed",
  "events-energy-nan",
  "aeff-one-nan",
  "aeff-all-nan",
  "gti-start-nan",
  "unit-energy-gev",
  "unit-radec-rad",
  "unit-gti-ms",
  "unit-psf-rad-arcmin",
];

test("mutated runs: the right numbers or a named error, no crash, hang or memory blow-up", {
  timeout: 900_000,
}, async () => {
  const chosen = mutations([23592]).filter((m) => KINDS.includes(m.kind));
  assert.equal(chosen.length, KINDS.length, "every kind of the subset exists");
  // bombs above the default limit of 512 MiB, small on disk
  const all = [...chosen, ...bombs(23592, 700 * 2 ** 20, 700 * 2 ** 20)];
  const base = await baselines();
  const verdicts: Verdict[] = [];
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < all.length) verdicts.push(await runMutation(all[next++], base));
    }),
  );
  const failed = verdicts.filter((v) => !v.ok).map((v) => `${v.id}: ${v.why}`);
  assert.deepEqual(failed, []);
  assert.equal(verdicts.length, all.length);
});
