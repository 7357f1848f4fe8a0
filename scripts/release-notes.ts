/**
 * `npm run release:notes`: a CHANGELOG.md entry from the drift report between the last release's schemas
 * and the working tree's. A thin shell around diff/report.ts and diff/changelog.ts.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseCommandLine, progress, runCli, UsageError } from "./cli.js";
import {
  bumpVersion,
  hasEntry,
  isVersion,
  prependEntry,
  renderChangelogEntry,
} from "./diff/changelog.js";
import { latestTag, readSide } from "./diff/inputs.js";
import { driftSummaryLine } from "./diff/render.js";
import { diffSchemaSources } from "./diff/report.js";
import { SchemaError } from "./pipeline/errors.js";

const HELP = `Usage: npm run release:notes -- [--from REVISION] [--version X.Y.Z] [options]

Writes a CHANGELOG.md entry for the next release: the drift report between the schemas of the
last release and the working tree's schemas/, breaking changes first, then additions, other
changes and docs-only changes. The entry goes above the newest one; earlier entries are kept.

Options:
  --from REVISION      the last release (default: the nearest git tag matching v* that HEAD
                       descends from); also a folder or an OpenAPI document, as for npm run diff
  --version X.Y.Z      the new version (default: package.json's version, bumped as the report
                       suggests: major, minor or patch)
  --date YYYY-MM-DD    the date in the heading (default: today, UTC)
  --schemas-path DIR   the schema folder (default: schemas)
  --changelog FILE     the changelog to write (default: CHANGELOG.md)
  --dry-run            print the entry instead of writing it
  --quiet              no progress lines
  -h, --help           show this help

With no schema changes and no --version, nothing is written. Exit codes: 0 done, 1 bad input
(no release tag and no --from, an entry for that version already there, ...), 2 bad usage.`;

async function main(): Promise<number> {
  const values = parseCommandLine(
    {
      from: { type: "string" },
      version: { type: "string" },
      date: { type: "string" },
      "schemas-path": { type: "string", default: "schemas" },
      changelog: { type: "string", default: "CHANGELOG.md" },
      "dry-run": { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
    HELP,
  );
  if (values === undefined) return 0;
  if (values.version !== undefined && !isVersion(values.version))
    throw new UsageError(`--version: "${values.version}" is not a semver version (x.y.z)`);
  if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date))
    throw new UsageError(`--date: expected YYYY-MM-DD, got "${values.date}"`);
  const say = values.quiet ? () => {} : progress;
  const schemasPath = values["schemas-path"];
  const cwd = process.cwd();

  const since = values.from ?? latestTag("v*", cwd);
  if (since === undefined) {
    throw new SchemaError(
      "HEAD",
      undefined,
      "no release tag matching v* is reachable from it, so there is no last release to compare with; tag the last release (git tag v0.1.0 <commit>) or pass --from <revision>",
    );
  }
  const before = readSide(since, { schemasPath, cwd });
  const after = readSide(schemasPath, { schemasPath, cwd });
  say(
    `release:notes: comparing ${before.label} (${before.files.length} files) with ${after.label} (${after.files.length} files)`,
  );
  const report = await diffSchemaSources(before, after, say);
  say(driftSummaryLine(report));

  if (report.semver === "none" && values.version === undefined) {
    process.stdout.write(
      `release:notes: no schema changes since ${since}; nothing written (pass --version to write an entry anyway)\n`,
    );
    return 0;
  }
  const version = values.version ?? bumpVersion(readPackageVersion(cwd), report.semver);
  const entry = renderChangelogEntry(report, {
    version,
    date: values.date ?? new Date().toISOString().slice(0, 10),
    since,
    from: before.label,
    to: after.label,
  });
  if (values["dry-run"]) {
    process.stdout.write(entry);
    return 0;
  }
  const file = values.changelog;
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (hasEntry(existing, version))
    throw new SchemaError(
      file,
      undefined,
      `already has an entry for ${version}; pass another --version or remove that entry first`,
    );
  // Written beside the target and renamed over it, so an interrupted run leaves the old file whole.
  const staging = `${file}.new-${process.pid}`;
  writeFileSync(staging, prependEntry(existing, entry));
  renameSync(staging, file);
  process.stdout.write(
    `release:notes: ${file}: added ${version} (${report.semver}) from ${before.label} → ${after.label}\n`,
  );
  return 0;
}

function readPackageVersion(cwd: string): string {
  const path = `${cwd}/package.json`;
  let version: unknown;
  try {
    version = (JSON.parse(readFileSync(path, "utf8")) as { version?: unknown }).version;
  } catch (error) {
    throw new SchemaError(
      "package.json",
      undefined,
      `cannot read the current version (${(error as Error).message.split("\n")[0]}); pass --version`,
    );
  }
  if (typeof version !== "string" || !isVersion(version))
    throw new SchemaError(
      "package.json",
      "/version",
      `not a semver version (${JSON.stringify(version)}); pass --version`,
    );
  return version;
}

runCli("release:notes", main);
