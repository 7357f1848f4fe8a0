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

/** The instances of one direction's bodies, checked through the operations' types. */
export interface DirectionCounts {
  /** Bodies (one media type of one request body or response) of this direction. */
  bodies: number;
  valid: { accepted: number; total: number };
  invalid: { rejected: number; total: number };
  /** Of the invalid ones: those valid but for one key the direction leaves out (readOnly / writeOnly added). */
  hiddenKeys: { rejected: number; total: number };
}

/** One body where the types disagree with the judge. */
export interface OperationMismatch extends Mismatch {
  operation: string;
  /** e.g. `request application/vnd.api+json`, `202 application/vnd.api+json`. */
  body: string;
}

export interface OperationsReport {
  /** Operations checked: those of the set, or of the entry checked through (--entry). */
  operations: number;
  /** Request bodies (readOnly keys left out), checked as `NonNullable<operations[op]["requestBody"]>["content"][media]`. */
  request: DirectionCounts;
  /** Response bodies (writeOnly keys left out), checked as `operations[op]["responses"][status]["content"][media]`. */
  response: DirectionCounts;
  /** Failing bodies, by operation then body: how many of their instances disagree, and the first one. */
  failing: { operation: string; body: string; mismatches: number; first: OperationMismatch }[];
  /** Counted per body, as the instances are. */
  generatorMisses: {
    valid: number;
    invalid: number;
    list: (Miss & { operation: string; body: string })[];
  };
  examplesRejected: number;
  /** Proposals set aside by the generator, per body. */
  skipped: number;
  /** Bodies the generator could build no valid instance for. */
  noInstance: { operation: string; body: string; problem: string }[];
}

export interface ConformanceReport {
  schemasDir: string;
  typesDir: string;
  schemas: number;
  /** The schemas' instances, checked as `components["schemas"][name]`. */
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
  /** The bodies of the set's operations; null when it has none. */
  operations: OperationsReport | null;
  checkFileBytes: number;
  seconds: {
    generateTypes: number | null;
    instances: number;
    judge: number;
    /** Proposing and judging the operations' bodies. */
    operations: number;
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

/** One body's verdicts: what the judge kept for it, and the compiler's error on each. */
export interface BodyVerdicts extends Verdicts {
  operation: string;
  body: string;
  direction: "request" | "response";
  misses: Miss[];
  examplesRejected: number;
  skipped: number;
  problem?: string;
}

export function buildOperationsReport(
  operations: number,
  bodies: readonly BodyVerdicts[],
): OperationsReport {
  const counts = (): DirectionCounts => ({
    bodies: 0,
    valid: { accepted: 0, total: 0 },
    invalid: { rejected: 0, total: 0 },
    hiddenKeys: { rejected: 0, total: 0 },
  });
  const report: OperationsReport = {
    operations,
    request: counts(),
    response: counts(),
    failing: [],
    generatorMisses: { valid: 0, invalid: 0, list: [] },
    examplesRejected: 0,
    skipped: 0,
    noInstance: [],
  };
  for (const b of bodies) {
    const into = report[b.direction];
    into.bodies++;
    report.examplesRejected += b.examplesRejected;
    report.skipped += b.skipped;
    if (b.problem !== undefined)
      report.noInstance.push({ operation: b.operation, body: b.body, problem: b.problem });
    for (const miss of b.misses) {
      report.generatorMisses[miss.intent]++;
      report.generatorMisses.list.push({ ...miss, operation: b.operation, body: b.body });
    }
    let failing: OperationsReport["failing"][number] | undefined;
    b.kept.forEach((candidate, i) => {
      const compilerError = b.compilerErrors[i];
      let mismatch: Mismatch | undefined;
      if (candidate.intent === "valid") {
        into.valid.total++;
        if (compilerError === undefined) into.valid.accepted++;
        else mismatch = mismatchOf(candidate, compilerError);
      } else {
        into.invalid.total++;
        if (candidate.hiddenKey) into.hiddenKeys.total++;
        if (compilerError !== undefined) {
          into.invalid.rejected++;
          if (candidate.hiddenKey) into.hiddenKeys.rejected++;
        } else
          mismatch = mismatchOf(
            candidate,
            `the types accept it; the schema says ${b.judgeErrors[i] ?? "invalid"}`,
          );
      }
      if (mismatch === undefined) return;
      if (failing) failing.mismatches++;
      else
        failing = {
          operation: b.operation,
          body: b.body,
          mismatches: 1,
          first: { ...mismatch, operation: b.operation, body: b.body },
        };
    });
    if (failing) report.failing.push(failing);
  }
  return report;
}

function mismatchOf(candidate: Candidate, error: string): Mismatch {
  return {
    schema: candidate.schema,
    intent: candidate.intent,
    label: candidate.label,
    error,
    instance: JSON.stringify(candidate.value),
  };
}

/** Whether the operations' bodies all conform (and, when there are bodies, something was checked). */
function operationsPass(report: OperationsReport | null): boolean {
  if (report === null) return true;
  const { request, response } = report;
  const all = (key: "valid" | "invalid") => request[key].total + response[key].total;
  const fine =
    request.valid.accepted === request.valid.total &&
    response.valid.accepted === response.valid.total &&
    request.invalid.rejected === request.invalid.total &&
    response.invalid.rejected === response.invalid.total;
  const bodies = request.bodies + response.bodies;
  return fine && (bodies === 0 || (all("valid") > 0 && all("invalid") > 0));
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
    invalid.rejected === invalid.total &&
    operationsPass(base.operations);
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
  const ops = report.operations;
  if (ops !== null) {
    lines.push(
      `  operations: ${ops.operations}, their bodies checked through operations[...] (${ops.request.bodies} request, ${ops.response.bodies} response):`,
    );
    for (const [direction, flag] of [
      ["request", "readOnly"],
      ["response", "writeOnly"],
    ] as const) {
      const d = ops[direction];
      lines.push(
        `    ${direction} bodies: valid accepted ${d.valid.accepted} / ${d.valid.total} (${percent(d.valid.accepted, d.valid.total)}), invalid rejected ${d.invalid.rejected} / ${d.invalid.total} (${percent(d.invalid.rejected, d.invalid.total)}); of these, a ${flag} key added: ${d.hiddenKeys.rejected} / ${d.hiddenKeys.total}`,
      );
    }
    lines.push(
      `    generator misses: ${ops.generatorMisses.valid} meant valid, ${ops.generatorMisses.invalid} meant invalid; examples/defaults rejected: ${ops.examplesRejected}; proposals set aside: ${ops.skipped}`,
    );
  }
  const s = report.seconds;
  lines.push(
    `  time: ${s.total.toFixed(2)}s (${s.generateTypes === null ? "" : `generate types ${s.generateTypes.toFixed(2)}s, `}instances ${s.instances.toFixed(2)}s, judge ${s.judge.toFixed(2)}s, ${ops === null ? "" : `operations' bodies ${s.operations.toFixed(2)}s, `}tsc ${s.typecheck.toFixed(2)}s over ${(report.checkFileBytes / 1e6).toFixed(1)} MB)`,
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
  if (ops !== null && ops.noInstance.length > 0) {
    lines.push(``, `Operation bodies with no valid instance (${ops.noInstance.length}):`);
    for (const n of ops.noInstance.slice(0, limit))
      lines.push(`  ${n.operation} ${n.body}: ${n.problem}`);
    if (ops.noInstance.length > limit)
      lines.push(`  ... and ${ops.noInstance.length - limit} more (--json lists all)`);
  }
  if (ops !== null && ops.failing.length > 0) {
    lines.push(``, `Failing operation bodies (${ops.failing.length}), first mismatch each:`);
    for (const f of ops.failing.slice(0, limit)) {
      lines.push(
        `  ${f.operation} ${f.body} (${f.mismatches} mismatch${f.mismatches === 1 ? "" : "es"}): ${f.first.intent} instance of ${f.first.schema}, ${f.first.label}`,
      );
      lines.push(`    ${f.first.error}`);
      lines.push(`    instance: ${clip(f.first.instance, 300)}`);
    }
    if (ops.failing.length > limit)
      lines.push(`  ... and ${ops.failing.length - limit} more (--json lists all)`);
  }
  if (ops !== null && ops.generatorMisses.list.length > 0) {
    lines.push(``, `Generator misses in operation bodies (${ops.generatorMisses.list.length}):`);
    for (const m of ops.generatorMisses.list.slice(0, limit))
      lines.push(`  ${m.operation} ${m.body}: meant ${m.intent}, ${m.label}; judge: ${m.judge}`);
    if (ops.generatorMisses.list.length > limit)
      lines.push(`  ... and ${ops.generatorMisses.list.length - limit} more (--json lists all)`);
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
      ? `conformance: PASS: the types accept every valid instance and reject every invalid one${ops !== null ? ", of the schemas and of the operations' bodies" : ""}`
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
