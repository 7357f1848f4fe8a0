/**
 * `npm run conformance`: proves the generated types accept exactly what the schemas accept.
 * A thin shell around conformance/run.ts.
 */
import { parseCommandLine, progress, runCli } from "./cli.js";
import { formatReport } from "./conformance/report.js";
import { runConformance } from "./conformance/run.js";
import { tidyPath } from "./paths.js";

const HELP = `Usage: npm run conformance -- [options]

Builds valid and invalid JSON instances from every schema, and from every body of every operation (each
media type of its request body and of its 2XX, 4XX, 5XX and default responses, read in its direction: a
request never holds a readOnly key, a response never a writeOnly one), lets ajv (read as OpenAPI 3.0)
judge them, and checks with the TypeScript compiler that the generated types accept every valid instance
and reject every invalid one: a schema's as components["schemas"]["Name"], a body's through
operations["operationId"], as a user writes them.

Options:
  --schemas DIR   folder of *.json files: schemas, and any operations with their responses, parameters
                  and request bodies (the per-file layout; default: schemas)
  --types DIR     folder holding the generated index.d.ts (default: generated, for the default
                  schemas; for any other --schemas, the types are generated into a temp folder)
  --entry SLUG    check through the entry of one Klaviyo tag (tags/<SLUG>.d.ts, e.g. catalogs) instead of
                  the root: the schemas it exports and the bodies of its operations
  --json          print the report as JSON on stdout
  --quiet         no progress lines
  -h, --help      show this help

The report gives the schemas' numbers, then the operations' per direction (bodies, valid accepted,
invalid rejected, and of those the instances with a readOnly / writeOnly key added).

Exit codes: 0 all valid instances accepted and all invalid ones rejected, 1 any mismatch (or nothing
checked, or declarations that do not compile), 2 bad usage.`;

async function main(): Promise<number> {
  const values = parseCommandLine(
    {
      schemas: { type: "string" },
      types: { type: "string" },
      entry: { type: "string" },
      json: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
    HELP,
  );
  if (values === undefined) return 0;
  const schemasDir = tidyPath(values.schemas ?? "schemas");
  // The committed generated/ belongs to the committed schemas/; any other schema folder gets fresh types.
  const typesDir =
    values.types !== undefined
      ? tidyPath(values.types)
      : schemasDir === "schemas"
        ? "generated"
        : undefined;
  const report = await runConformance({
    schemasDir,
    typesDir,
    entry: values.entry,
    progress: values.quiet ? undefined : progress,
  });
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + "\n" : formatReport(report));
  return report.passed ? 0 : 1;
}

runCli("conformance", main);
