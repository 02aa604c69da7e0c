/**
 * Run one chain of chains/chains.json and write its stacked dataset, for
 * ../shared/tools/compare-datasets.py against scripts/fixtures/chains.py's file:
 *   node test/dist/src/write-chain.js crab-galactic-tan /tmp/ours-crab-galactic-tan.fits.gz
 */
import { writeDataset } from "@gammaflow/core/node";
import { loadChains, runChain } from "./chains.js";

const [name, out] = process.argv.slice(2);
const chains = loadChains();
if (!name || !out || !chains[name]) {
  console.error(`usage: write-chain.js NAME OUT.fits.gz (chains: ${Object.keys(chains).join(", ")})`);
  process.exit(2);
}
writeDataset(runChain(chains[name]), out);
console.log(`wrote ${out}`);
