/** What every command line of this project shares: one-line errors and exit codes. */
import { SchemaError } from "./pipeline/errors.js";

export class UsageError extends Error {}

/** Runs a command's main function; prints an error as one line and sets the exit code. */
export function runCli(command: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof SchemaError || error instanceof UsageError) {
        process.stderr.write(`${command}: error: ${error.message}\n`);
        process.exitCode = error instanceof UsageError ? 2 : 1;
      } else {
        process.stderr.write(`${command}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exitCode = 70;
      }
    },
  );
}

export function progress(line: string): void {
  process.stderr.write(line + "\n");
}
