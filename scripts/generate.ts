/**
 * `npm run generate`: schemas/ → generated/. A thin shell around pipeline/generate.ts.
 */
import { availableParallelism } from "node:os";
import { basename, isAbsolute, resolve } from "node:path";
import { parseCommandLine, progress, runCli, UsageError } from "./cli.js";
import { tidyPath } from "./paths.js";
import { fileCache } from "./pipeline/cache.js";
import { LAYOUTS, type Layout } from "./pipeline/entries.js";
import { generateFromFiles, startWorkers } from "./pipeline/generate.js";
import { readSchemaFolder, type SchemaFile } from "./pipeline/load.js";
import { compareOutput, writeOutput } from "./pipeline/write.js";

const HELP = `Usage: npm run generate -- [options]

Turns a folder of Klaviyo JSON Schema files (one schema per file, the upstream layout; operations too, when
sync brought them) into TypeScript declarations: <out>/index.d.ts, and when operations have tags, one entry
per tag (<out>/tags/<slug>.d.ts) with the declarations they share in <out>/shared/. Never touches the network.

Options:
  --schemas DIR     folder of *.json schema files (default: schemas)
  --out DIR         output folder, replaced as a whole (default: generated)
  --check           write nothing; exit 1 and list the differences if the output folder is stale
  --no-cache        neither read nor write the cache: a cold run
  --cache-dir DIR   where results are cached by content hash (default: .cache/generate; safe to delete)
  --threads N       worker threads that emit (and format, when a run makes few members): default one less
                    than the CPUs, at least 1; 0: everything on this thread
  --layout L        how tagged operations split into entry points: by-closure (the default: a module per
                    set of tags that reach a declaration), by-declaration (a module per declaration) or
                    one-file (no tag entries); a set without tagged operations is always one file
  --no-drift        when the output changes, skip the drift summary against the schemas at HEAD
                    (it runs the diff, about 2.3 s more on the full catalog)
  --quiet           no progress lines, only the summary and errors
  -h, --help        show this help

Exit codes: 0 done (or current, with --check), 1 bad input (or stale, with --check), 2 bad usage.`;

async function main(): Promise<number> {
  const values = parseCommandLine(
    {
      schemas: { type: "string", default: "schemas" },
      out: { type: "string", default: "generated" },
      check: { type: "boolean", default: false },
      "no-cache": { type: "boolean", default: false },
      "cache-dir": { type: "string", default: ".cache/generate" },
      threads: { type: "string" },
      layout: { type: "string" },
      "no-drift": { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
    HELP,
  );
  if (values === undefined) return 0;
  // This thread emits while the others format: one worker per remaining CPU, at least one.
  const threads =
    values.threads === undefined ? Math.max(1, availableParallelism() - 1) : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 0)
    throw new UsageError(
      `--threads wants a whole number, 0 or more, not "${values.threads}" (see --help)`,
    );
  const layout = values.layout as Layout | undefined;
  if (layout !== undefined && !LAYOUTS.includes(layout))
    throw new UsageError(
      `--layout takes ${LAYOUTS.join(", ")}, not "${values.layout}" (see --help)`,
    );
  const started = performance.now();
  const say = values.quiet ? () => {} : progress;
  const schemasDir = tidyPath(values.schemas);
  const outDir = tidyPath(values.out);

  // One pack of cached results per schema folder, so that runs on different folders keep theirs.
  const cache = values["no-cache"]
    ? undefined
    : fileCache(values["cache-dir"], resolve(schemasDir));
  // The workers start loading TypeScript before the files are read, unless this is a --check, which the cache
  // of the whole run most often answers alone.
  const workers = values.check ? undefined : startWorkers(cache, threads);
  let files: SchemaFile[];
  try {
    files = readSchemaFolder(schemasDir);
  } catch (error) {
    void workers?.close();
    throw error;
  }
  // The header names the folder by its own name only, so the bytes do not depend on how the path was spelled.
  const result = await generateFromFiles(schemasDir, files, basename(resolve(schemasDir)), {
    cache,
    threads,
    warn: progress,
    layout,
    workers,
  });
  if (result.reused?.run)
    say(
      `generate: read ${files.length} schema files from ${schemasDir}/; nothing changed since the cached run (${values["cache-dir"]}/)`,
    );
  else {
    const reused = result.reused?.members
      ? ` (${result.reused.members} reused from the cache)`
      : "";
    say(
      `generate: read ${files.length} schema files from ${schemasDir}/, resolved ${result.refCount} $refs, emitted and formatted ${counted(result)}${reused}`,
    );
  }
  // --check writes nothing, not even the cache.
  if (cache && !values.check) {
    try {
      cache.save();
    } catch (error) {
      progress(
        `generate: could not save the cache in ${values["cache-dir"]}/ (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the output is not affected`,
      );
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);

  if (values.check) {
    const differences = compareOutput(outDir, result.files);
    if (differences.length === 0) {
      process.stdout.write(
        `generate --check: ${outDir}/ is current (${counted(result)}, ${result.files.size} files, ${seconds}s)\n`,
      );
      return 0;
    }
    for (const d of differences) {
      process.stdout.write(
        `  ${outDir}/${d.file}: ${d.problem === "differs" ? `differs from line ${d.line}` : d.problem}\n`,
      );
    }
    process.stdout.write(
      `generate --check: ${outDir}/ is stale (${differences.length} of the files differ); run npm run generate\n`,
    );
    return 1;
  }
  const changed = compareOutput(outDir, result.files).length > 0;
  writeOutput(outDir, result.files);
  if (changed && !values["no-drift"])
    process.stdout.write(`${await driftLine(schemasDir, files)}\n`);
  process.stdout.write(
    `generate: ${counted(result)} → ${result.files.size} file${result.files.size === 1 ? "" : "s"} written to ${outDir}/ in ${((performance.now() - started) / 1000).toFixed(2)}s\n`,
  );
  return 0;
}

/**
 * The one-line drift summary (npm run diff) between the schemas committed at HEAD and the ones just generated
 * from, printed when generate changes the output. Loaded only then: it needs the compiler.
 */
async function driftLine(schemasDir: string, files: readonly SchemaFile[]): Promise<string> {
  if (isAbsolute(schemasDir) || schemasDir.startsWith(".."))
    return "drift: not reported (the schema folder is outside this repository; see npm run diff)";
  try {
    const [{ readSide }, { diffSchemaSources }, { driftSummaryLine }] = await Promise.all([
      import("./diff/inputs.js"),
      import("./diff/report.js"),
      import("./diff/render.js"),
    ]);
    const report = await diffSchemaSources(readSide("HEAD", { schemasPath: schemasDir }), {
      dir: schemasDir,
      files,
    });
    return `${driftSummaryLine(report)} (HEAD:${schemasDir} → ${schemasDir}/; npm run diff for the report)`;
  } catch (error) {
    return `drift: not reported (${(error instanceof Error ? error.message : String(error)).split("\n")[0]})`;
  }
}

/** "13 schemas", or "13 schemas and 1 operation" when the set has operations. */
function counted(result: { schemaCount: number; operationCount: number }): string {
  const operations =
    result.operationCount === 0
      ? ""
      : ` and ${result.operationCount} operation${result.operationCount === 1 ? "" : "s"}`;
  return `${result.schemaCount} schemas${operations}`;
}

runCli("generate", main);
