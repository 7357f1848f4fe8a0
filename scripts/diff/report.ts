/**
 * The drift report between two schema sets: which schemas were added, removed, changed or changed in
 * their docs only; for each change whether it breaks readers or writers (the compiler's verdict); who is
 * affected; and the semver bump that follows. From schema files to data; no I/O.
 *
 * Each schema's *own* body is compared, not its closure: a change that reaches a schema only through a
 * `$ref` is reported once, on the referenced schema, whose `affects` lists every schema that reaches it.
 */
import { emitDeclarations } from "../pipeline/emit.js";
import { byCodeUnit } from "../pipeline/json.js";
import type { SchemaFile } from "../pipeline/load.js";
import { ownBody } from "../pipeline/normalize.js";
import { prepareSchemaSet, type PreparedSet } from "../pipeline/prepare.js";
import { compareSchemas, type Detail } from "./compare.js";
import { bottomUpOrder, dependentsIndex } from "./dependents.js";
import { compilerVerdicts, type Breaks } from "./verdict.js";

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
}

export interface DriftReport {
  semver: Semver;
  summary: DriftSummary;
  /** Sorted by name; unchanged schemas are not listed. */
  schemas: SchemaDrift[];
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

  if (toJudge.length > 0) {
    // Docs-only schemas are judged too: their own body cannot break anyone, but the compiler sees the whole
    // type, and if a referenced schema breaks it, the verdict should say so rather than contradict it.
    progress(`diff: emitting both sides and asking the compiler about ${toJudge.length} schemas`);
    const [oldDeclarations, newDeclarations] = [
      await emitDeclarations(oldSet, { source: oldSet.dir }),
      await emitDeclarations(newSet, { source: newSet.dir }),
    ];
    // Also judged (not reported): the schemas between a changed one and its dependents, so that every
    // comparison is made bottom-up (see verdict.ts for why the order matters).
    const judged = toJudge.map((e) => e.name);
    const evaluate = new Set(
      judged
        .flatMap((name) => [name, ...newDependents(name)])
        .filter((name) => oldByName.has(name) && newByName.has(name)),
    );
    const verdicts = compilerVerdicts(
      oldDeclarations,
      newDeclarations,
      bottomUpOrder(newSet.schemas, evaluate),
    );
    for (const entry of toJudge) entry.breaks = verdicts.get(entry.name)!;
  }
  const summary = summarise(entries);
  return { semver: semverFor(summary, entries), summary, schemas: entries };
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
