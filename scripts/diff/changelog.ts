/**
 * CHANGELOG.md entries from a drift report: the version that the semver suggestion gives, breaking changes
 * first, then additions, other changes and docs. Pure text functions; the release-notes CLI does the I/O.
 */
import type { Semver } from "./report.js";
import type { DriftReport } from "./report.js";
import { driftSummaryLine, renderOperationSections, renderSections } from "./render.js";

const VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export function isVersion(text: string): boolean {
  return VERSION.test(text);
}

/**
 * The next version for a semver suggestion: major → X+1.0.0, minor → x.Y+1.0, patch → x.y.Z+1, none → the
 * same. Plain semver, also below 1.0.0 (where some projects bump minor for breaks; pass --version for that).
 * A prerelease is released as its own version (1.2.0-rc.1 + patch → 1.2.0), as `npm version` does.
 */
export function bumpVersion(version: string, semver: Semver): string {
  const match = VERSION.exec(version);
  if (!match) throw new Error(`"${version}" is not a semver version (x.y.z)`);
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const prerelease = version.includes("-");
  switch (semver) {
    case "major":
      return prerelease && minor === 0 && patch === 0 ? `${major}.0.0` : `${major + 1}.0.0`;
    case "minor":
      return prerelease && patch === 0 ? `${major}.${minor}.0` : `${major}.${minor + 1}.0`;
    case "patch":
      return prerelease ? `${major}.${minor}.${patch}` : `${major}.${minor}.${patch + 1}`;
    case "none":
      return `${major}.${minor}.${patch}`;
  }
}

export interface EntryOptions {
  version: string;
  /** YYYY-MM-DD. */
  date: string;
  /** The release the schemas are compared with, e.g. `v0.1.0`. */
  since: string;
  /** Labels of the two sides as the report names them. */
  from: string;
  to: string;
}

export function renderChangelogEntry(report: DriftReport, options: EntryOptions): string {
  const lines = [`## ${options.version} (${options.date})`, ""];
  if (
    report.operations !== undefined &&
    (report.operations.length > 0 || report.schemas.length > 0)
  ) {
    // Operations first, breaking ones at the top with what a caller must change; then the component schemas.
    const summary = driftSummaryLine(report).replace(/^drift: /, "");
    lines.push(
      `Changes since ${options.since} (\`${options.from}\` → \`${options.to}\`): ${summary}.`,
      "",
      ...renderOperationSections(report, 3),
    );
    if (report.schemas.length > 0)
      lines.push(
        "### Component schemas",
        "",
        'For code that uses `components["schemas"]` directly. Breaks readers: the new type is not assignable to the old one; breaks writers: the old is not assignable to the new (the TypeScript compiler\'s verdict).',
        "",
        ...renderSections(report, 4),
      );
  } else if (report.schemas.length === 0) {
    lines.push(`No changes to the types since ${options.since}.`);
  } else {
    const summary = driftSummaryLine(report).replace(/^drift: /, "");
    lines.push(
      `Schema changes since ${options.since} (\`${options.from}\` → \`${options.to}\`): ${summary}. ` +
        "Breaks readers: the new type is not assignable to the old one; breaks writers: the old is not assignable to the new (the TypeScript compiler's verdict).",
      "",
      ...renderSections(report, 3),
    );
  }
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}

/** Whether the changelog already has a `## <version>` heading. */
export function hasEntry(changelog: string, version: string): boolean {
  const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^## \\[?v?${escaped}\\]?(\\s|$)`, "m").test(changelog);
}

/** Puts the entry above the newest one, below the title and any preamble; earlier entries stay as they are. */
export function prependEntry(changelog: string, entry: string): string {
  if (changelog.trim() === "") return `# Changelog\n\n${entry}`;
  const first = /^## /m.exec(changelog);
  if (!first) return `${changelog.replace(/\n*$/, "")}\n\n${entry}`;
  return `${changelog.slice(0, first.index)}${entry}\n${changelog.slice(first.index)}`;
}
