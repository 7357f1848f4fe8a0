/**
 * The conformance report: verdicts in, numbers and failing schemas out, as text or as JSON.
 */
import { byCodeUnit } from "../pipeline/json.js";
import type { Candidate, Intent, Origin, Skipped } from "./instances.js";

/** One instance where the types disagree with the judge. */
export interface Mismatch {
  schema: string;
  intent: Intent;
  label: string;
  /** The compiler's first error for a rejected valid instance; for an accepted invalid one, what the judge said. */
  error: string;
  instance: string;
}

/** One proposed instance the judge did not classify as intended; not used for the verdict. */
export interface Miss {
  schema: string;
  intent: Intent;
  origin: Origin;
  label: string;
  judge: string;
}

export interface ConformanceReport {
  schemasDir: string;
  typesDir: string;
  schemas: number;
  valid: { accepted: number; total: number };
  invalid: { rejected: number; total: number };
  /** Failing schemas, sorted by name: how many of their instances disagree, and the first one. */
  failingSchemas: { schema: string; mismatches: number; first: Mismatch }[];
  /** Instances the generator meant as valid/invalid that the judge classified the other way. */
  generatorMisses: { valid: number; invalid: number; list: Miss[] };
  /** The schemas' own `example`/`default` values that the schema itself rejects (upstream data bugs, not used). */
  examplesRejected: Miss[];
  /** Proposals the generator set aside before judging (ambiguous union values, examples with undeclared keys). */
  skipped: Skipped[];
  /** Schemas the generator could build no instance for. */
  noInstance: { schema: string; problem: string }[];
  /** Formats the judge treats as annotations (the types never check formats). */
  uncheckedFormats: string[];
  /** Errors in the declarations themselves. */
  typesErrors: string[];
  checkFileBytes: number;
  seconds: {
    generateTypes: number | null;
    instances: number;
    judge: number;
    typecheck: number;
    total: number;
  };
  passed: boolean;
}

export interface Verdicts {
  kept: Candidate[];
  /** Per kept candidate: the compiler's first error, or undefined when it accepts. */
  compilerErrors: (string | undefined)[];
  /** Per kept invalid candidate: the judge's reason (used in messages). */
  judgeErrors: (string | undefined)[];
}

export function buildReport(
  base: Omit<ConformanceReport, "valid" | "invalid" | "failingSchemas" | "passed">,
  verdicts: Verdicts,
): ConformanceReport {
  const valid = { accepted: 0, total: 0 };
  const invalid = { rejected: 0, total: 0 };
  const bySchema = new Map<string, { mismatches: number; first: Mismatch }>();
  verdicts.kept.forEach((candidate, i) => {
    const compilerError = verdicts.compilerErrors[i];
    let mismatch: Mismatch | undefined;
    if (candidate.intent === "valid") {
      valid.total++;
      if (compilerError === undefined) valid.accepted++;
      else
        mismatch = {
          schema: candidate.schema,
          intent: "valid",
          label: candidate.label,
          error: compilerError,
          instance: JSON.stringify(candidate.value),
        };
    } else {
      invalid.total++;
      if (compilerError !== undefined) invalid.rejected++;
      else {
        const why = verdicts.judgeErrors[i] ?? "invalid";
        mismatch = {
          schema: candidate.schema,
          intent: "invalid",
          label: candidate.label,
          error: `the types accept it; the schema says ${why}`,
          instance: JSON.stringify(candidate.value),
        };
      }
    }
    if (mismatch) {
      const entry = bySchema.get(candidate.schema);
      if (entry) entry.mismatches++;
      else bySchema.set(candidate.schema, { mismatches: 1, first: mismatch });
    }
  });
  const failingSchemas = [...bySchema.entries()]
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([schema, entry]) => ({ schema, ...entry }));
  const passed =
    base.typesErrors.length === 0 &&
    valid.total > 0 &&
    invalid.total > 0 &&
    valid.accepted === valid.total &&
    invalid.rejected === invalid.total;
  return { ...base, valid, invalid, failingSchemas, passed };
}

export function percent(part: number, whole: number): string {
  if (whole === 0) return "n/a";
  const value = (100 * part) / whole;
  // Never round a failure up to 100 %.
  return part < whole && value > 99.99 ? "99.99 %" : `${value.toFixed(2)} %`;
}

/** The report as text for a terminal: the numbers first, then what failed, then what the generator missed. */
export function formatReport(
  report: ConformanceReport,
  options: { listLimit?: number } = {},
): string {
  const limit = options.listLimit ?? 20;
  const lines: string[] = [];
  lines.push(
    `conformance: ${report.schemas} schemas from ${report.schemasDir}/ against ${report.typesDir}`,
  );
  lines.push(
    `  valid instances accepted by the types:   ${report.valid.accepted} / ${report.valid.total} (${percent(report.valid.accepted, report.valid.total)})`,
  );
  lines.push(
    `  invalid instances rejected by the types: ${report.invalid.rejected} / ${report.invalid.total} (${percent(report.invalid.rejected, report.invalid.total)})`,
  );
  const misses = report.generatorMisses;
  lines.push(
    `  generator misses (judge disagreed with the intent, not used): ${misses.valid} meant valid, ${misses.invalid} meant invalid`,
  );
  lines.push(
    `  schema examples/defaults the schema itself rejects (not used): ${report.examplesRejected.length}`,
  );
  lines.push(
    `  proposals set aside by the generator: ${report.skipped.length}${summarizeReasons(report.skipped)}`,
  );
  if (report.uncheckedFormats.length > 0)
    lines.push(
      `  formats not checked by the judge (annotations only): ${report.uncheckedFormats.join(", ")}`,
    );
  const s = report.seconds;
  lines.push(
    `  time: ${s.total.toFixed(2)}s (${s.generateTypes === null ? "" : `generate types ${s.generateTypes.toFixed(2)}s, `}instances ${s.instances.toFixed(2)}s, judge ${s.judge.toFixed(2)}s, tsc ${s.typecheck.toFixed(2)}s over ${(report.checkFileBytes / 1e6).toFixed(1)} MB)`,
  );
  if (report.typesErrors.length > 0) {
    lines.push(``, `The declarations do not compile (${report.typesErrors.length} errors):`);
    for (const error of report.typesErrors.slice(0, limit)) lines.push(`  ${error}`);
  }
  if (report.noInstance.length > 0) {
    lines.push(
      ``,
      `Schemas with no valid instance (${report.noInstance.length}; only whole-value kind swaps checked):`,
    );
    for (const n of report.noInstance.slice(0, limit)) lines.push(`  ${n.schema}: ${n.problem}`);
  }
  if (report.failingSchemas.length > 0) {
    lines.push(``, `Failing schemas (${report.failingSchemas.length}), first mismatch each:`);
    for (const f of report.failingSchemas.slice(0, limit)) {
      lines.push(
        `  ${f.schema} (${f.mismatches} mismatch${f.mismatches === 1 ? "" : "es"}): ${f.first.intent} instance, ${f.first.label}`,
      );
      lines.push(`    ${f.first.error}`);
      lines.push(`    instance: ${clip(f.first.instance, 300)}`);
    }
    if (report.failingSchemas.length > limit)
      lines.push(`  ... and ${report.failingSchemas.length - limit} more (--json lists all)`);
  }
  if (report.examplesRejected.length > 0) {
    lines.push(
      ``,
      `Schema examples/defaults the schema itself rejects (${report.examplesRejected.length}):`,
    );
    for (const m of report.examplesRejected.slice(0, limit))
      lines.push(`  ${m.schema}: ${m.label}; judge: ${m.judge}`);
    if (report.examplesRejected.length > limit)
      lines.push(`  ... and ${report.examplesRejected.length - limit} more (--json lists all)`);
  }
  if (misses.list.length > 0) {
    lines.push(``, `Generator misses (${misses.list.length}):`);
    for (const m of misses.list.slice(0, limit))
      lines.push(`  ${m.schema}: meant ${m.intent}, ${m.label}; judge: ${m.judge}`);
    if (misses.list.length > limit)
      lines.push(`  ... and ${misses.list.length - limit} more (--json lists all)`);
  }
  lines.push(
    ``,
    report.passed
      ? `conformance: PASS: the types accept every valid instance and reject every invalid one`
      : `conformance: FAIL${report.valid.total === 0 || report.invalid.total === 0 ? " (nothing was checked)" : ""}`,
  );
  return lines.join("\n") + "\n";
}

function summarizeReasons(skipped: readonly Skipped[]): string {
  if (skipped.length === 0) return "";
  const counts = new Map<string, number>();
  for (const s of skipped) {
    const reason = s.reason.replace(/ \(\/[^)]*\)/, "");
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return ` (${[...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${n} ${reason}`)
    .join("; ")})`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max) + ` ... (${text.length} chars)`;
}
