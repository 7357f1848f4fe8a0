/**
 * `npm run sync`: upstream → schemas/ and schemas.lock.json. A thin shell around sync/sync.ts.
 */
import { parseCommandLine, progress, runCli, UsageError } from "./cli.js";
import { tidyPath } from "./paths.js";
import {
  chooseSource,
  isPinnable,
  pinConfigText,
  readConfig,
  type Operations,
  type Roots,
} from "./sync/config.js";
import { DEFAULT_LIMITS } from "./sync/http.js";
import { DEFAULT_LOCK_PATH } from "./sync/lock.js";
import { syncSchemas, verifySchemas, type SyncResult } from "./sync/sync.js";

const HELP = `Usage: npm run sync -- [options]

Vendors the closure of the root schemas and the selected operations (them, and every schema, response,
parameter and request body they reference, transitively) from upstream into the schema folder, one file per
object ($id says where in the OpenAPI document it lives), and writes a lock file with the source, its
revision, the time and the sha256 of every file. Everything is downloaded and checked before anything is
written; on any failure the folder, the lock and the config are left as they were. A source without
operations (the GitHub JSON Schema folder) brings schemas only, and says so.

Options:
  --config FILE    sync config (default: upstream.config.json)
  --from SOURCE    override the config's source: github (the GitHub JSON Schema folder), an http(s) URL or
                   a file path of an OpenAPI document, or a folder in the per-file layout
  --ref COMMIT     pin the source to this commit (40 hex digits): the GitHub folder, or an OpenAPI
                   document configured by repo, path and ref
  --pin            with --ref: also write the commit into the config file
  --roots A,B      root schema names (default: the config's roots)
  --operations A,B operationIds to vendor, or * for every one (default: the config's operations, or none)
  --all            every upstream schema and every operation (roots and operations "*")
  --out DIR        schema folder, replaced as a whole (default: schemas)
  --lock FILE      lock file (default: schemas.lock.json)
  --frozen         fail unless the result equals the lock exactly (same revision, files and hashes)
  --note TEXT      a note stored in the lock
  --verify         download nothing: re-hash the schema folder against the lock, list what differs
  --timeout MS     time limit per HTTP request (default: ${DEFAULT_LIMITS.timeoutMs})
  --max-bytes N    size limit per HTTP response or local document (default: ${DEFAULT_LIMITS.maxBytes})
  --quiet          no progress lines, only the summary and errors
  -h, --help       show this help

Environment: GITHUB_TOKEN, when set, is sent to https://api.github.com (only) for the folder listing.
Exit codes: 0 done (or verified), 1 failure (or a mismatch, with --verify), 2 bad usage.`;

async function main(): Promise<number> {
  const values = parseCommandLine(
    {
      config: { type: "string" },
      from: { type: "string" },
      ref: { type: "string" },
      pin: { type: "boolean", default: false },
      roots: { type: "string" },
      operations: { type: "string" },
      all: { type: "boolean", default: false },
      out: { type: "string", default: "schemas" },
      lock: { type: "string", default: DEFAULT_LOCK_PATH },
      frozen: { type: "boolean", default: false },
      note: { type: "string" },
      verify: { type: "boolean", default: false },
      timeout: { type: "string" },
      "max-bytes": { type: "string" },
      quiet: { type: "boolean", default: false },
    },
    HELP,
  );
  if (values === undefined) return 0;
  const say = values.quiet ? () => {} : progress;
  const outDir = tidyPath(values.out);
  const lockPath = values.lock;
  // Checked before anything else, so a bad value is an error with --verify too.
  const limits = {
    timeoutMs: positive("--timeout", values.timeout, DEFAULT_LIMITS.timeoutMs),
    maxBytes: positive("--max-bytes", values["max-bytes"], DEFAULT_LIMITS.maxBytes),
  };

  if (values.verify) {
    const { lock, differences } = verifySchemas(outDir, lockPath);
    const count = Object.keys(lock.files).length;
    if (differences.length === 0) {
      process.stdout.write(
        `sync --verify: ${outDir}/ matches ${lockPath} (${count} files, ${lock.source.kind} ${lock.source.revision})\n`,
      );
      return 0;
    }
    for (const d of differences) {
      const detail =
        d.problem === "mismatch"
          ? `sha256 ${d.actual}, lock has ${d.expected}`
          : d.problem === "missing"
            ? "in the lock, not on disk"
            : "on disk, not in the lock";
      process.stdout.write(`  ${outDir}/${d.file}: ${d.problem} (${detail})\n`);
    }
    process.stdout.write(
      `sync --verify: ${outDir}/ does not match ${lockPath}: ${differences.length} of the files differ\n`,
    );
    return 1;
  }

  if (values.all && values.roots !== undefined)
    throw new UsageError("--all and --roots exclude each other");
  if (values.all && values.operations !== undefined)
    throw new UsageError("--all and --operations exclude each other");
  const loaded = readConfig(values.config);
  const source = chooseSource(loaded.config.source, values.from, values.ref);
  if (values.pin && !isPinnable(source))
    throw new UsageError(
      "--pin needs a github source or an openapi source given by repo, path and ref",
    );
  const roots: Roots = values.all
    ? "*"
    : values.roots !== undefined
      ? parseList("--roots", "schema name", values.roots)
      : loaded.config.roots;
  const operations: Operations = values.all
    ? "*"
    : values.operations === "*"
      ? "*"
      : values.operations !== undefined
        ? parseList("--operations", "operationId", values.operations)
        : loaded.config.operations;
  const token = process.env["GITHUB_TOKEN"];

  const started = performance.now();
  const result = await syncSchemas({
    source,
    roots,
    operations,
    outDir,
    lockPath,
    limits,
    frozen: values.frozen,
    ...(values.note !== undefined ? { note: values.note } : {}),
    ...(values.pin && isPinnable(source)
      ? { pinConfig: { path: loaded.path, bytes: pinConfigText(loaded, source.ref, source.kind) } }
      : {}),
    ...(token ? { githubToken: token } : {}),
    say,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const from = `${result.source.kind} ${result.source.location} @ ${result.source.revision}`;
  const what = `${vendored(result, operations)} from ${from}`;
  const { folder, lock, config } = result.wrote;
  if (!folder && !lock && !config) {
    process.stdout.write(`sync: ${outDir}/ and ${lockPath} are current: ${what} (${seconds}s)\n`);
  } else {
    const written = [folder ? `${outDir}/` : "", lock ? lockPath : "", config ? loaded.path : ""]
      .filter((s) => s !== "")
      .join(", ");
    process.stdout.write(`sync: ${what} → wrote ${written} in ${seconds}s\n`);
  }
  return 0;
}

/**
 * "3 of 5 schemas" when only schemas were asked for and vendored (as before operations were vendored);
 * otherwise "12 of 1637 files (9 schemas, 1 operation, 2 responses)", saying so when the source brought no
 * operations.
 */
function vendored(result: SyncResult, operations: Operations): string {
  const of = `${result.files.length} of ${result.upstreamCount}`;
  const asked = operations === "*" || operations.length > 0;
  if (!asked && result.kinds.schema === result.files.length) return `${of} schemas`;
  const words: [keyof SyncResult["kinds"], string, string][] = [
    ["schema", "schema", "schemas"],
    ["operation", "operation", "operations"],
    ["response", "response", "responses"],
    ["parameter", "parameter", "parameters"],
    ["requestBody", "request body", "request bodies"],
  ];
  const parts = words
    .filter(([kind]) => result.kinds[kind] > 0)
    .map(([kind, one, many]) => `${result.kinds[kind]} ${result.kinds[kind] === 1 ? one : many}`);
  const notice = result.noOperations ? "; this source brought no operations" : "";
  return `${of} files (${parts.length > 0 ? parts.join(", ") : "none"}${notice})`;
}

function parseList(flag: string, what: string, text: string): string[] {
  const items = text
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "");
  if (items.length === 0) throw new UsageError(`${flag} needs at least one ${what}`);
  return items;
}

function positive(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(text))
    throw new UsageError(`${flag} ${text}: expected a positive whole number`);
  return Number(text);
}

runCli("sync", main);
