/** What every command line of this project shares: one-line errors and exit codes. */
import { parseArgs, type ParseArgsConfig } from "node:util";
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
        process.stderr.write(
          `${command}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        process.exitCode = 70;
      }
    },
  );
}

export function progress(line: string): void {
  process.stderr.write(line + "\n");
}

type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;
const HELP_OPTION = { help: { type: "boolean", short: "h", default: false } } as const;

/**
 * Parses a command's options (strict, no positionals) plus `-h`/`--help`. Prints `help` and returns undefined
 * when help was asked for; an unknown or malformed option is a UsageError (exit 2).
 */
export function parseCommandLine<const O extends OptionSpecs>(options: O, help: string) {
  type Config = { options: O & typeof HELP_OPTION; strict: true; allowPositionals: false };
  let values;
  try {
    ({ values } = parseArgs<Config>({
      options: { ...options, ...HELP_OPTION },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see --help)`);
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(help + "\n");
    return undefined;
  }
  return values;
}
