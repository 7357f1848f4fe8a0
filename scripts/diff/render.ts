/**
 * The drift report as text: the one-line summary, Markdown (a pull request body, a changelog entry) and
 * JSON. Pure and deterministic: the same report gives the same bytes.
 */
import type { Detail } from "./compare.js";
import { code, value } from "./markdown.js";
import type { OperationDrift } from "./operations.js";
import type { DriftReport, SchemaDrift } from "./report.js";

/** How many names a Markdown list shows before "and N more" (JSON always lists all). */
const AFFECTS_SHOWN = 5;

/**
 * One line for a terminal, e.g. `drift: 3 changed (1 breaking), 1 added → minor`.
 * `generate` can print this after it changes generated/.
 */
export function driftSummaryLine(report: DriftReport): string {
  const { summary } = report;
  const breakingOf = (change: SchemaDrift["change"]) =>
    report.schemas.filter((s) => s.change === change && (s.breaks.readers || s.breaks.writers))
      .length;
  const parts: string[] = [];
  const push = (count: number, text: string, breaking = 0) => {
    if (count > 0) parts.push(`${count} ${text}${breaking > 0 ? ` (${breaking} breaking)` : ""}`);
  };
  push(summary.changed, "changed", breakingOf("changed"));
  push(summary.added, "added");
  push(summary.removed, "removed");
  push(summary.docs, "docs-only", breakingOf("docs"));
  const schemas = parts.length === 0 ? "no schema changes" : parts.join(", ");
  if (summary.operations === undefined) return `drift: ${schemas} → ${report.semver}`;
  const operations = operationsSummaryText(report);
  if (parts.length === 0 && operations === "no operation changes")
    return `drift: no operation or schema changes → ${report.semver}`;
  return `drift: ${operations}; schemas: ${schemas} → ${report.semver}`;
}

/** E.g. `12 operations changed (3 breaking), 2 added, 1 removed, 4 docs-only`. */
function operationsSummaryText(report: DriftReport): string {
  const summary = report.summary.operations!;
  const operations = report.operations ?? [];
  const breakingOf = (change: OperationDrift["change"]) =>
    operations.filter((o) => o.change === change && (o.breaks.requests || o.breaks.responses))
      .length;
  const parts: string[] = [];
  const push = (count: number, text: string, breaking = 0) => {
    if (count > 0) parts.push(`${count} ${text}${breaking > 0 ? ` (${breaking} breaking)` : ""}`);
  };
  // The first count names what it counts: "1 operation changed", "3 operations added".
  const noun = (count: number, text: string) =>
    parts.length === 0 ? `${count === 1 ? "operation" : "operations"} ${text}` : text;
  push(summary.changed, noun(summary.changed, "changed"), breakingOf("changed"));
  push(summary.added, noun(summary.added, "added"));
  push(summary.removed, noun(summary.removed, "removed"));
  push(summary.docs, noun(summary.docs, "docs-only"));
  return parts.length === 0 ? "no operation changes" : parts.join(", ");
}

/**
 * The `--json` form: `{ semver, summary, operations?: [{ operationId, method, path, change, breaks, details }],
 * schemas: [{ name, change, breaks, details, affects }] }`; `operations` when both sides have them.
 */
export function renderJson(report: DriftReport): string {
  const ordered = {
    semver: report.semver,
    summary: report.summary,
    ...(report.operations === undefined
      ? {}
      : {
          operations: report.operations.map((o) => ({
            operationId: o.operationId,
            method: o.method,
            path: o.path,
            change: o.change,
            breaks: { requests: o.breaks.requests, responses: o.breaks.responses },
            details: o.details.map((d) => ({ rule: d.rule, where: d.where, text: d.text })),
          })),
        }),
    schemas: report.schemas.map((s) => ({
      name: s.name,
      change: s.change,
      breaks: s.breaks,
      details: s.details,
      affects: s.affects,
    })),
  };
  return JSON.stringify(ordered, null, 2) + "\n";
}

export interface MarkdownOptions {
  /** Labels of the two sides, e.g. `HEAD:schemas` and `schemas/`. */
  from: string;
  to: string;
  /** Cut the text at a line boundary to stay within this many UTF-8 bytes (GitHub refuses PR bodies over 65,536 characters). */
  maxBytes?: number;
}

/** The full report: title, summary table, what the verdicts mean, then the sections. */
export function renderMarkdown(report: DriftReport, options: MarkdownOptions): string {
  const lines = [`## Schema drift: ${code(options.from)} → ${code(options.to)}`, ""];
  if (report.operations !== undefined) {
    lines.push(
      `Suggested version bump: **${report.semver}**: ${driftSummaryLine(report)
        .replace(/^drift: /, "")
        .replace(/ → \w+$/, "")}.`,
      "",
      ...renderOperationSections(report, 3),
      "### Component schemas",
      "",
      'For code that uses `components["schemas"]` directly: each schema judged as a whole, in both directions, whichever way the operations use it.',
      "",
    );
    if (report.schemas.length === 0) lines.push("No schema changes.");
    else lines.push(...componentTable(report), ...renderSections(report, 4));
    const text = lines.join("\n").replace(/\n+$/, "") + "\n";
    return options.maxBytes === undefined ? text : truncate(text, options.maxBytes);
  }
  if (report.schemas.length === 0) {
    lines.push("No schema changes (suggested version bump: none).");
    return lines.join("\n") + "\n";
  }
  lines.push(
    `Suggested version bump: **${report.semver}**: ${driftSummaryLine(report)
      .replace(/^drift: /, "")
      .replace(/ → \w+$/, "")}.`,
    "",
    ...componentTable(report),
    "*Breaks readers*: the new type is not assignable to the old one, so code that reads it (a response) can get values it was not written for. " +
      "*Breaks writers*: the old type is not assignable to the new one, so code that builds it (a request body) no longer type-checks. " +
      "Both are the TypeScript compiler's verdict (strict mode) on the generated types. " +
      "A change that reaches a schema only through a `$ref` is listed once, on the referenced schema, with the schemas it affects.",
    "",
  );
  lines.push(...renderSections(report, 3));
  const text = lines.join("\n").replace(/\n+$/, "") + "\n";
  return options.maxBytes === undefined ? text : truncate(text, options.maxBytes);
}

function componentTable(report: DriftReport): string[] {
  const { summary } = report;
  const row = (label: string, change: SchemaDrift["change"], count: number) => {
    const of = report.schemas.filter((s) => s.change === change);
    return `| ${label} | ${count} | ${of.filter((s) => s.breaks.readers).length} | ${of.filter((s) => s.breaks.writers).length} |`;
  };
  return [
    "| change | schemas | break readers | break writers |",
    "| --- | ---: | ---: | ---: |",
    row("removed", "removed", summary.removed),
    row("changed", "changed", summary.changed),
    row("added", "added", summary.added),
    row("docs only", "docs", summary.docs),
    "",
  ];
}

/** How many response details a breaking operation's Markdown block shows (JSON always lists all). */
const RESPONSE_DETAILS_SHOWN = 8;

/**
 * The operations part: a table, then breaking operations (each with what a caller must change; those that break
 * requests before those that break responses only), added, other changes and docs only. `level` is the heading
 * level of the part's title.
 */
export function renderOperationSections(report: DriftReport, level: number): string[] {
  const operations = report.operations ?? [];
  const heading = "#".repeat(level);
  const lines = [`${heading} Operations`, ""];
  if (operations.length === 0) return [...lines, "No operation changes.", ""];
  const breaking = operations.filter((o) => o.breaks.requests || o.breaks.responses);
  const of = (change: OperationDrift["change"]) => operations.filter((o) => o.change === change);
  const row = (label: string, change: OperationDrift["change"]) =>
    `| ${label} | ${of(change).length} | ${of(change).filter((o) => o.breaks.requests).length} | ${of(change).filter((o) => o.breaks.responses).length} |`;
  lines.push(
    "| change | operations | break requests | break responses |",
    "| --- | ---: | ---: | ---: |",
    row("removed", "removed"),
    row("changed", "changed"),
    row("added", "added"),
    row("docs only", "docs"),
    "",
    "*Breaks requests*: a call written for the old revision no longer type-checks (its parameters or body are not assignable to the new ones, a key it may send is gone or read-only, or the path or method moved). " +
      "*Breaks responses*: the new 2XX bodies are not assignable to the old ones, so code that reads them can get values it was not written for. " +
      "Both are the TypeScript compiler's verdict (strict mode) on the generated types; a schema change counts only in the direction the operation uses it.",
    "",
  );
  if (breaking.length > 0) {
    // Those that break requests first: a caller must change code for them. A cut report (--max-bytes) keeps them.
    lines.push(`${heading}# Breaking operations (${breaking.length})`, "");
    for (const o of breaking.filter((o) => o.breaks.requests))
      lines.push(...operationBlock(o, `${heading}##`));
    for (const o of breaking.filter((o) => !o.breaks.requests))
      lines.push(...operationBlock(o, `${heading}##`));
  }
  const added = of("added");
  if (added.length > 0) {
    lines.push(`${heading}# Added operations (${added.length})`, "");
    for (const o of added)
      lines.push(`- ${code(o.operationId)}: ${code(`${o.method.toUpperCase()} ${o.path}`)}`);
    lines.push("");
  }
  const other = of("changed").filter((o) => !o.breaks.requests && !o.breaks.responses);
  if (other.length > 0) {
    lines.push(
      `${heading}# Other changed operations (${other.length})`,
      "",
      "Changes that break neither requests nor responses.",
      "",
    );
    for (const o of other)
      lines.push(
        `- ${code(o.operationId)} (${code(`${o.method.toUpperCase()} ${o.path}`)}): ${o.details.length} change${o.details.length === 1 ? "" : "s"}${o.details.length > 0 ? `, e.g. ${o.details[0]!.text}` : ""}`,
      );
    lines.push("");
  }
  const docs = of("docs");
  if (docs.length > 0) {
    lines.push(`${heading}# Operations with documentation changes only (${docs.length})`, "");
    lines.push(docs.map((o) => code(o.operationId)).join(", "), "");
  }
  return lines;
}

/** A breaking operation: the verdict, then what a caller must change (request side first), then the rest. */
export function operationBlock(o: OperationDrift, heading: string): string[] {
  const breaks = [o.breaks.requests ? "requests" : "", o.breaks.responses ? "responses" : ""]
    .filter((x) => x !== "")
    .join(" and ");
  const lines = [
    `${heading} ${code(o.operationId)} (${code(`${o.method.toUpperCase()} ${o.path}`)}): ${o.change}, breaks ${breaks}`,
    "",
  ];
  const requestSide = o.details.filter((d) => !d.rule.startsWith("response-"));
  const responseSide = o.details.filter((d) => d.rule.startsWith("response-"));
  for (const d of requestSide) lines.push(`- ${d.text} (${code(d.rule)})`);
  for (const d of responseSide.slice(0, RESPONSE_DETAILS_SHOWN))
    lines.push(`- ${d.text} (${code(d.rule)})`);
  if (responseSide.length > RESPONSE_DETAILS_SHOWN)
    lines.push(
      `- and ${responseSide.length - RESPONSE_DETAILS_SHOWN} more response changes (\`npm run diff -- --json\` lists them all)`,
    );
  lines.push("");
  return lines;
}

/** Whole lines up to `maxBytes`, then a note that says the report was cut and where the rest is. */
export function truncate(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const note =
    "\n*The report is longer than this page allows and was cut here; run `npm run diff` for the whole of it.*\n";
  let used = Buffer.byteLength(note);
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    const size = Buffer.byteLength(line) + 1;
    if (used + size > maxBytes) break;
    kept.push(line);
    used += size;
  }
  return kept.join("\n") + "\n" + note;
}

/**
 * The sections, breaking changes first: breaking (removed schemas and changes that break readers or writers),
 * added, other changes, docs only. `level` is the Markdown heading level of the section titles.
 */
export function renderSections(report: DriftReport, level: number): string[] {
  const heading = "#".repeat(level);
  const breaking = report.schemas.filter((s) => s.breaks.readers || s.breaks.writers);
  const added = report.schemas.filter((s) => s.change === "added");
  const other = report.schemas.filter(
    (s) => s.change === "changed" && !s.breaks.readers && !s.breaks.writers,
  );
  const docs = report.schemas.filter(
    (s) => s.change === "docs" && !s.breaks.readers && !s.breaks.writers,
  );
  // Which listed changes each schema reaches: a verdict covers the whole type, so it can come from these.
  const reaches = new Map<string, string[]>();
  for (const s of report.schemas) {
    if (s.change !== "changed" && s.change !== "docs") continue;
    for (const dependent of s.affects)
      reaches.set(dependent, [...(reaches.get(dependent) ?? []), s.name]);
  }
  const block = (s: SchemaDrift) => schemaBlock(s, `${heading}#`, reaches.get(s.name) ?? []);
  const lines: string[] = [];
  if (breaking.length > 0) {
    lines.push(`${heading} Breaking changes (${breaking.length})`, "");
    for (const s of breaking) lines.push(...block(s));
  }
  if (added.length > 0) {
    lines.push(`${heading} Added (${added.length})`, "");
    for (const s of added)
      lines.push(
        `- ${code(s.name)}${s.affects.length > 0 ? ` (referred to by ${s.affects.length} schema${s.affects.length === 1 ? "" : "s"})` : ""}`,
      );
    lines.push("");
  }
  if (other.length > 0) {
    lines.push(
      `${heading} Other changes (${other.length})`,
      "",
      "Changes that break neither readers nor writers.",
      "",
    );
    for (const s of other) lines.push(...compactItem(s));
    lines.push("");
  }
  if (docs.length > 0) {
    lines.push(
      `${heading} Documentation only (${docs.length})`,
      "",
      "Only descriptions, examples, defaults or titles changed.",
      "",
    );
    for (const s of docs) lines.push(`- ${code(s.name)}`);
    lines.push("");
  }
  return lines;
}

function schemaBlock(s: SchemaDrift, heading: string, reaches: readonly string[]): string[] {
  const lines = [`${heading} ${code(s.name)}: ${verdictText(s)}`, ""];
  for (const detail of s.details) lines.push(`- ${describeDetail(detail)}`);
  if (s.change === "docs")
    lines.push("- only its documentation changed; the break comes through a schema it refers to");
  if (reaches.length > 0 && s.change !== "removed")
    lines.push(
      `- ${listText(reaches, "refers (directly or not) to changed schema")}, so the verdict covers those changes too`,
    );
  const affects = affectsText(s.affects, "affects");
  if (affects !== "") lines.push(`- ${affects.replace(/^; /, "")}`);
  lines.push("");
  return lines;
}

/** A non-breaking change: one bullet, its details inline when there is one, nested when there are more. */
function compactItem(s: SchemaDrift): string[] {
  const affects =
    s.affects.length > 0
      ? ` (affects ${s.affects.length} schema${s.affects.length === 1 ? "" : "s"})`
      : "";
  if (s.details.length === 1)
    return [`- ${code(s.name)}: ${describeDetail(s.details[0]!)}${affects}`];
  return [`- ${code(s.name)}${affects}:`, ...s.details.map((d) => `  - ${describeDetail(d)}`)];
}

function verdictText(s: SchemaDrift): string {
  const breaks = [s.breaks.readers ? "readers" : "", s.breaks.writers ? "writers" : ""].filter(
    (x) => x !== "",
  );
  const what =
    s.change === "removed" ? "removed" : s.change === "docs" ? "docs changed" : "changed";
  return breaks.length === 0 ? what : `${what}, breaks ${breaks.join(" and ")}`;
}

function affectsText(affects: readonly string[], verb: string): string {
  return affects.length === 0 ? "" : `; ${listText(affects, `${verb} ${affects.length} schema`)}`;
}

/** "<lead>s: `A`, `B` and 3 more" (the plural only when there are several). */
function listText(names: readonly string[], lead: string): string {
  const shown = names.slice(0, AFFECTS_SHOWN).map(code).join(", ");
  const more = names.length > AFFECTS_SHOWN ? ` and ${names.length - AFFECTS_SHOWN} more` : "";
  return `${lead}${names.length === 1 ? "" : "s"}: ${shown}${more}`;
}

/** One detail as a sentence, e.g. "property added: `$.meta` (optional)". */
export function describeDetail(d: Detail): string {
  switch (d.kind) {
    case "property-added":
      return `property added: ${code(d.path)} (${d.required ? "required" : "optional"})`;
    case "property-removed":
      return `property removed: ${code(d.path)} (was ${d.required ? "required" : "optional"})`;
    case "required-added":
      return `now required: ${code(d.path)} (was optional)`;
    case "required-removed":
      return `now optional: ${code(d.path)} (was required)`;
    case "nullable-added":
      return `now nullable: ${code(d.path)}`;
    case "nullable-removed":
      return `no longer nullable: ${code(d.path)}`;
    case "enum-value-added":
      return `enum value added at ${code(d.path)}: ${value(d.value)}`;
    case "enum-value-removed":
      return `enum value removed at ${code(d.path)}: ${value(d.value)}`;
    case "type-changed":
      return `type changed at ${code(d.path)}: ${code(d.from)} → ${code(d.to)}`;
    case "ref-changed":
      return `reference changed at ${code(d.path)}: ${code(d.from)} → ${code(d.to)}`;
    case "variant-added":
      return `${d.keyword} branch added at ${code(d.path)}: ${code(d.variant)}`;
    case "variant-removed":
      return `${d.keyword} branch removed at ${code(d.path)}: ${code(d.variant)}`;
    case "keyword-added":
      return `${code(d.keyword)} added at ${code(d.path)}: ${value(d.value)}`;
    case "keyword-removed":
      return `${code(d.keyword)} removed at ${code(d.path)} (was ${value(d.value)})`;
    case "keyword-changed":
      return `${code(d.keyword)} changed at ${code(d.path)}: ${value(d.from)} → ${value(d.to)}`;
  }
}
