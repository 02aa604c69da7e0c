// Loaded with --import by the corpus runner: the process's peak memory, printed as it exits.
import { writeSync } from "node:fs";

process.on("exit", () => writeSync(2, `\nCORPUS_MAX_RSS=${process.resourceUsage().maxRSS}\n`));
