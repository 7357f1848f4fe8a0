/**
 * The drift report between two schema sets: which schemas were added, removed, changed or changed in
 * their docs only; for each change whether it breaks readers or writers (the compiler's verdict); who is
 * affected; and the semver bump that follows. From schema files to data; no I/O.
 *
 * Each schema's *own* body is compared, not its closure: a change that reaches a schema only through a
 * `$ref` is reported once, on the referenced schema, whose `affects` lists every schema that reaches it.
 */
import type { PartId } from "../pipeline/emit.js";
import { byCodeUnit } from "../pipeline/json.js";
import type { SchemaFile } from "../pipeline/load.js";
import { ownBody } from "../pipeline/normalize.js";
import { prepareSchemaSet, type PreparedSet } from "../pipeline/prepare.js";
import { compareSchemas, type Detail } from "./compare.js";
import { bottomUpOrder, dependentsIndex } from "./dependents.js";
import { compareOperations, sortOperationDetails, type OperationDrift } from "./operations.js";
import type { Breaks, OperationPlan } from "./verdict.js";

export type ChangeKind = "added" | "removed" | "changed" | "docs";
export type Semver = "major" | "minor" | "patch" | "none";

export interface SchemaDrift {
  name: string;
  change: ChangeKind;
  breaks: Breaks;
  /** Keyword-level explanation of a `changed` schema (empty for the other kinds). */
  details: Detail[];
  /** Every schema that reaches this one through `$ref`s (in the new set; in the old one for `removed`). */
  affects: string[];
}

export interface DriftSummary {
  added: number;
  removed: number;
  changed: number;
  docs: number;
  /** Schemas that break readers or writers (removed schemas included). */
  breaking: number;
  /** Present when both sides have operations. */
  operations?: OperationSummary;
}

export interface OperationSummary {
  /** Operations that break requests or responses (removed ones included). */
  breaking: number;
  added: number;
  removed: number;
  changed: number;
  docs: number;
}

export interface DriftReport {
  semver: Semver;
  summary: DriftSummary;
  /** Sorted by name; unchanged schemas are not listed. */
  schemas: SchemaDrift[];
  /** Sorted by operationId, unchanged ones left out; present when both sides have operations. */
  operations?: OperationDrift[];
}

/** One side of the comparison, as parseSchemaFiles takes it. */
export interface SchemaSource {
  dir: string;
  files: readonly SchemaFile[];
}

export async function diffSchemaSources(
  before: SchemaSource,
  after: SchemaSource,
  progress: (line: string) => void = () => {},
): Promise<DriftReport> {
  const [oldSide, newSide] = [
    await prepareSchemaSet(before.dir, before.files),
    await prepareSchemaSet(after.dir, after.files),
  ];
  progress(
    `diff: ${oldSide.normalized.schemas.length} schemas in ${before.dir}, ${newSide.normalized.schemas.length} in ${after.dir}`,
  );
  return diffPreparedSets(oldSide, newSide, progress);
}

/**
 * Bodies are compared as written (the resolved set), so a detail names what the author changed; the compiler
 * judges the declarations emitted from the normalised set, which are what users get.
 */
export async function diffPreparedSets(
  oldSide: PreparedSet,
  newSide: PreparedSet,
  progress: (line: string) => void = () => {},
): Promise<DriftReport> {
  const [oldSet, newSet] = [oldSide.normalized, newSide.normalized];
  const oldByName = new Map(oldSide.resolved.schemas.map((s) => [s.name, s]));
  const newByName = new Map(newSide.resolved.schemas.map((s) => [s.name, s]));
  const oldDependents = dependentsIndex(oldSet.schemas);
  const newDependents = dependentsIndex(newSet.schemas);
  const none: Breaks = { readers: false, writers: false };

  const entries: SchemaDrift[] = [];
  const toJudge: SchemaDrift[] = [];
  for (const name of [...new Set([...oldByName.keys(), ...newByName.keys()])].sort(byCodeUnit)) {
    const before = oldByName.get(name);
    const after = newByName.get(name);
    if (!after) {
      // Removing a named type breaks every import of it, whichever way it was used.
      entries.push({
        name,
        change: "removed",
        breaks: { readers: true, writers: true },
        details: [],
        affects: oldDependents(name),
      });
      continue;
    }
    if (!before) {
      entries.push({
        name,
        change: "added",
        breaks: { ...none },
        details: [],
        affects: newDependents(name),
      });
      continue;
    }
    const comparison = compareSchemas(name, ownBody(before), ownBody(after));
    if (comparison.kind === "same") continue;
    const entry: SchemaDrift = {
      name,
      change: comparison.kind,
      breaks: { ...none },
      details: comparison.kind === "changed" ? comparison.details : [],
      affects: newDependents(name),
    };
    entries.push(entry);
    toJudge.push(entry);
  }

  // Operations are compared when both sides have them (a JSON Schema folder has none).
  const withOperations =
    oldSide.resolved.operations.length > 0 && newSide.resolved.operations.length > 0;
  const operations = withOperations
    ? compareOperations(
        oldSide.resolved,
        newSide.resolved,
        new Map(
          entries
            .filter((e) => e.change === "changed" || e.change === "docs")
            .map((e) => [e.name, { change: e.change as "changed" | "docs", details: e.details }]),
        ),
      )
    : [];
  const operationsToJudge = operations.filter((o) => o.change === "changed");

  if (toJudge.length > 0 || operationsToJudge.length > 0) {
    // Docs-only schemas are judged too: their own body cannot break anyone, but the compiler sees the whole
    // type, and if a referenced schema breaks it, the verdict should say so rather than contradict it.
    // Also judged (not reported): the schemas between a changed one and its dependents, so that every
    // comparison is made bottom-up (see verdict.ts for why the order matters).
    const judged = toJudge.map((e) => e.name);
    const evaluate = new Set(
      judged
        .flatMap((name) => [name, ...newDependents(name)])
        .filter((name) => oldByName.has(name) && newByName.has(name)),
    );
    const schemaOrder = bottomUpOrder(newSet.schemas, evaluate);
    const variantOrder = (direction: "request" | "response") => {
      const oldNames = new Set(oldSet.variants[direction].map((s) => s.name));
      const wanted = new Set(
        newSet.variants[direction]
          .map((s) => s.name)
          .filter((name) => oldNames.has(name) && evaluate.has(name)),
      );
      return bottomUpOrder(newSet.variants[direction], wanted);
    };
    const plan: OperationPlan = {
      schemas: schemaOrder,
      requestSchemas: withOperations ? variantOrder("request") : [],
      responseSchemas: withOperations ? variantOrder("response") : [],
      operations: operationsToJudge.map((o) => o.operationId),
    };
    // Only what is judged, and what its types refer to, is emitted and compiled (declarations.ts): an
    // unchanged operation or schema that no judged type reaches needs no verdict.
    const roots: PartId[] = [
      ...plan.schemas.map((name) => ({ container: "schemas" as const, name })),
      ...plan.requestSchemas.map((name) => ({ container: "requestSchemas" as const, name })),
      ...plan.responseSchemas.map((name) => ({ container: "responseSchemas" as const, name })),
      ...plan.operations.map((name) => ({ container: "operations" as const, name })),
    ];
    // TypeScript and the emitter load only when something is to be judged: a run with no change never needs them.
    const { judgedDeclarations } = await import("./declarations.js");
    const { compilerVerdicts, operationVerdicts } = await import("./verdict.js");
    const [oldDeclarations, newDeclarations] = [
      judgedDeclarations(oldSet, roots, { source: oldSet.dir }),
      judgedDeclarations(newSet, roots, { source: newSet.dir }),
    ];
    progress(
      `diff: emitting both sides and asking the compiler about ${toJudge.length} schemas${withOperations ? ` and ${operationsToJudge.length} operations` : ""} (declarations: ${oldDeclarations.parts} of ${oldDeclarations.of} old, ${newDeclarations.parts} of ${newDeclarations.of} new)`,
    );
    let verdicts: Map<string, Breaks>;
    if (withOperations) {
      // One Program for schemas, direction variants and operations, judged in that order.
      const result = operationVerdicts(oldDeclarations.text, newDeclarations.text, plan);
      verdicts = result.schemas;
      for (const o of operationsToJudge) {
        const verdict = result.operations.get(o.operationId)!;
        const moved = o.details.some(
          (d) => d.rule === "operation-path-changed" || d.rule === "operation-method-changed",
        );
        o.breaks = { requests: verdict.requests || moved, responses: verdict.responses };
        o.details = sortOperationDetails([
          ...o.details,
          ...verdict.keys.map((k) => ({
            rule: k.readOnly ? "request-key-read-only" : "request-key-removed",
            where: k.where,
            text: k.readOnly
              ? `\`${k.where}\` is now read-only (\`?: never\`): an old call that sends it no longer type-checks`
              : `\`${k.where}\` is no longer accepted: an old call that sends it no longer type-checks`,
          })),
        ]);
      }
    } else {
      verdicts = compilerVerdicts(oldDeclarations.text, newDeclarations.text, schemaOrder);
    }
    for (const entry of toJudge) entry.breaks = verdicts.get(entry.name)!;
  }
  const summary = summarise(entries);
  if (withOperations) summary.operations = summariseOperations(operations);
  return {
    semver: withOperations ? operationSemver(summary, entries) : semverFor(summary, entries),
    summary,
    schemas: entries,
    ...(withOperations ? { operations } : {}),
  };
}

/**
 * Operations first: major when any operation breaks requests or responses; otherwise today's schema rules,
 * raised to minor by added or changed operations and to patch by docs-only ones.
 */
function operationSemver(summary: DriftSummary, entries: readonly SchemaDrift[]): Semver {
  const operations = summary.operations!;
  if (operations.breaking > 0 || operations.removed > 0) return "major";
  const bySchemas = semverFor(summary, entries);
  const rank: Semver[] = ["none", "patch", "minor", "major"];
  const byOperations: Semver =
    operations.added + operations.changed > 0 ? "minor" : operations.docs > 0 ? "patch" : "none";
  return rank[Math.max(rank.indexOf(bySchemas), rank.indexOf(byOperations))]!;
}

function summariseOperations(operations: readonly OperationDrift[]): OperationSummary {
  const count = (change: OperationDrift["change"]) =>
    operations.filter((o) => o.change === change).length;
  return {
    breaking: operations.filter((o) => o.breaks.requests || o.breaks.responses).length,
    added: count("added"),
    removed: count("removed"),
    changed: count("changed"),
    docs: count("docs"),
  };
}

function summarise(entries: readonly SchemaDrift[]): DriftSummary {
  const count = (change: ChangeKind) => entries.filter((e) => e.change === change).length;
  return {
    added: count("added"),
    removed: count("removed"),
    changed: count("changed"),
    docs: count("docs"),
    breaking: entries.filter((e) => e.breaks.readers || e.breaks.writers).length,
  };
}

/** major: anything breaks (a removed schema included); minor: additions or compatible changes; patch: docs. */
export function semverFor(summary: DriftSummary, entries: readonly SchemaDrift[] = []): Semver {
  if (
    summary.breaking > 0 ||
    summary.removed > 0 ||
    entries.some((e) => e.breaks.readers || e.breaks.writers)
  )
    return "major";
  if (summary.added > 0 || summary.changed > 0) return "minor";
  if (summary.docs > 0) return "patch";
  return "none";
}

/** Whether anything breaks: an operation (requests or responses) or a schema (readers or writers). */
export function isBreaking(report: DriftReport): boolean {
  return (
    (report.operations ?? []).some((o) => o.breaks.requests || o.breaks.responses) ||
    report.schemas.some((s) => s.breaks.readers || s.breaks.writers)
  );
}
