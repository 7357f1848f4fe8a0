/**
 * `npm run diff`: the semantic drift report between two schema sets. A thin shell around diff/report.ts.
 */
import { parseCommandLine, progress, runCli, UsageError } from "./cli.js";
import { readSide } from "./diff/inputs.js";
import { driftSummaryLine, renderJson, renderMarkdown } from "./diff/render.js";
import { diffSchemaSources, isBreaking } from "./diff/report.js";

const HELP = `Usage: npm run diff -- [--from SIDE] [--to SIDE] [--json] [--fail-on breaking] [--schemas-path DIR]

Compares two schema sets. When both sides have operations, it reports first, per operationId,
whether the operation was added, removed, changed or changed in its docs only, and whether it
breaks requests (a call written for the old types no longer type-checks) or responses (the new
2XX bodies are not assignable to the old), each difference with a rule id at the place it happens.
Then, per component schema, whether it was added, removed, changed or changed in its docs only;
for each change, whether it breaks readers (the new type is not assignable to the old) or writers
(the old is not assignable to the new). Every verdict is the TypeScript compiler's, on the
generated types. Last, the semver bump.

A SIDE is one of:
  a folder             *.json schema files in the upstream per-file layout
  an OpenAPI document  a *.json file with a top-level "openapi"; its components and operations are compared
  a git revision       <schemas-path>/*.json at that revision (HEAD, v1.2.0, a commit, ...);
                       <revision>:<folder> reads another folder at that revision
A path that exists wins over a git revision of the same name.

Options:
  --from SIDE          the old set (default: HEAD, i.e. the committed <schemas-path>)
  --to SIDE            the new set (default: <schemas-path> in the working tree)
  --schemas-path DIR   the schema folder, for the defaults and for git revisions (default: schemas)
  --json               print JSON: { semver, summary, operations, schemas }: operations (when both sides
                       have them) [{ operationId, method, path, change, breaks: { requests, responses },
                       details: [{ rule, where, text }] }], schemas [{ name, change, breaks, details, affects }]
  --fail-on breaking   exit 1 when any operation or schema breaks (after writing the report), for CI
  --max-bytes N        cut the Markdown at a line boundary to at most N bytes, with a note saying so
                       (for a pull request body: GitHub refuses more than 65,536 characters)
  --quiet              no progress lines
  -h, --help           show this help

Output: Markdown (for a pull request body or a changelog) or JSON on stdout; progress and the
one-line summary on stderr. Exit codes: 0 report written, 1 bad input (or something breaks, with
--fail-on breaking), 2 bad usage.`;

async function main(): Promise<number> {
  const values = parseCommandLine(
    {
      from: { type: "string" },
      to: { type: "string" },
      "schemas-path": { type: "string", default: "schemas" },
      json: { type: "boolean", default: false },
      "max-bytes": { type: "string" },
      quiet: { type: "boolean", default: false },
      "fail-on": { type: "string" },
    },
    HELP,
  );
  if (values === undefined) return 0;
  const maxBytes = values["max-bytes"] === undefined ? undefined : Number(values["max-bytes"]);
  if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes >= 1000))
    throw new UsageError(
      `--max-bytes: expected a whole number of at least 1000, got "${values["max-bytes"]}"`,
    );
  const failOn = values["fail-on"];
  if (failOn !== undefined && failOn !== "breaking")
    throw new UsageError(`--fail-on: expected "breaking", got "${failOn}"`);
  const started = performance.now();
  const say = values.quiet ? () => {} : progress;
  const schemasPath = values["schemas-path"];
  const before = readSide(values.from ?? "HEAD", { schemasPath });
  const after = readSide(values.to ?? schemasPath, { schemasPath });
  say(
    `diff: ${before.label} (${before.files.length} files) → ${after.label} (${after.files.length} files)`,
  );
  const report = await diffSchemaSources(before, after, say);
  process.stdout.write(
    values.json
      ? renderJson(report)
      : renderMarkdown(report, { from: before.label, to: after.label, maxBytes }),
  );
  say(`${driftSummaryLine(report)} (${((performance.now() - started) / 1000).toFixed(2)}s)`);
  if (failOn === "breaking" && isBreaking(report)) {
    process.stderr.write("diff: failing because something breaks (--fail-on breaking)\n");
    return 1;
  }
  return 0;
}

// `npm run diff | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

runCli("diff", main);
