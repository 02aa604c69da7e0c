#!/usr/bin/env node
/**
 * The gammaflow command: run, validate and inspect graphs of plugin nodes (see commands.ts).
 * Signal handling comes first, before the commands and their plugins load (which takes a
 * second or two): a signal at any moment ends the process with its exit code, 130 or 143.
 */
import { Interrupts } from "./interrupts.js";

const interrupts = new Interrupts({ json: process.argv.includes("--json") }).install();
const { main } = await import("./commands.js");
const code = await main(process.argv.slice(2), interrupts);
process.exit(code);
