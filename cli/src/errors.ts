import { CommanderError } from "commander";
import { GraphValidationError } from "@gammaflow/pipeline";
import { EXIT_CODES } from "./outcome.js";

/** A command line that cannot be carried out as typed (exit code 2). */
export class UsageError extends Error {}

/**
 * Print why a command failed and return its exit code (2 for usage, 1 otherwise). With `json`
 * the error is one JSON object on stdout — `error`, `exitCode` and, for a graph problem, the
 * `node`, `param` and `value` of the first issue and every issue — so a script reads it as it
 * reads a report.
 */
export function reportError(error: unknown, json: boolean): number {
  const usage = error instanceof UsageError || error instanceof CommanderError;
  const exitCode = usage ? EXIT_CODES.usage : EXIT_CODES.failed;
  const message = (error instanceof Error ? error.message : String(error)).replace(/^error: /, "");
  if (json) {
    const issues = error instanceof GraphValidationError ? error.issues : [];
    const first = issues[0];
    const located = first && {
      ...(first.node !== undefined && { node: first.node }),
      ...(first.param !== undefined && { param: first.param }),
      ...(first.value !== undefined && { value: first.value }),
      ...(first.override !== undefined && { override: first.override }),
    };
    console.log(JSON.stringify({ error: message, exitCode, ...located, ...(issues.length && { issues }) }, null, 2));
  } else if (usage) {
    console.error(`error: ${message}\n(gammaflow help: the commands; gammaflow help COMMAND: its options)`);
  } else {
    console.error(error instanceof GraphValidationError ? message : `error: ${message}`);
  }
  return exitCode;
}
