/**
 * The conformance run, start to end: load the schemas, generate the types when none are given,
 * propose instances of every schema and of every body of every operation (in its direction), let the
 * judge sort them, let the compiler check them all in one program, report.
 * I/O stays here (reading the schema folder, the temp folder for generated types); the stages it calls are pure.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { referencesOf } from "../pipeline/chunks.js";
import { TAGS_DIR } from "../pipeline/entries.js";
import { SchemaError } from "../pipeline/errors.js";
import { generateFromFiles } from "../pipeline/generate.js";
import type { JsonObject } from "../pipeline/json.js";
import { readSchemaFolder, type SchemaFile } from "../pipeline/load.js";
import { prepareSchemaSet } from "../pipeline/prepare.js";
import type { Direction } from "./direction-rule.js";
import { generateInstances, type Candidate, type Skipped } from "./instances.js";
import { createJudge, type Judge } from "./judge.js";
import { bodyName, judgeBodies, operationBodies } from "./operations.js";
import {
  buildOperationsReport,
  buildReport,
  type BodyVerdicts,
  type ConformanceReport,
  type Miss,
} from "./report.js";
import { checkTypes, operationBodyType, type TypeCase } from "./typecheck.js";

export interface ConformanceOptions {
  schemasDir: string;
  /** The schema files, when they do not come from reading `schemasDir` (e.g. split from an OpenAPI document). */
  files?: readonly SchemaFile[];
  /** Folder holding index.d.ts. Omitted: the pipeline generates the types into a temp folder first. */
  typesDir?: string;
  /**
   * A tag's entry (its slug) to check through instead of the root: only the schemas it exports and the bodies
   * of its operations are checked, each through `tags/<slug>.d.ts`.
   */
  entry?: string;
  recursionDepth?: number;
  progress?: (line: string) => void;
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const started = performance.now();
  const say = options.progress ?? (() => {});
  const files = options.files ?? readSchemaFolder(options.schemasDir);
  const prepared = await prepareSchemaSet(options.schemasDir, files);
  // The judge reads the set as the schemas say it, before normalising; the types come from the normalised one.
  const set = prepared.resolved;
  const operationCount = set.operations.length;
  say(
    `conformance: read ${set.schemas.length} schemas${operationCount > 0 ? ` and ${operationCount} operation${operationCount === 1 ? "" : "s"}` : ""} from ${options.schemasDir}/`,
  );

  let typesDir = options.typesDir;
  let tempDir: string | undefined;
  let generateSeconds: number | null = null;
  try {
    if (typesDir === undefined) {
      const t = performance.now();
      const generated = await generateFromFiles(options.schemasDir, files, undefined, { prepared });
      tempDir = mkdtempSync(join(tmpdir(), "klaviyo-conformance-"));
      for (const [name, text] of generated.files) {
        mkdirSync(dirname(join(tempDir, name)), { recursive: true });
        writeFileSync(join(tempDir, name), text);
      }
      typesDir = tempDir;
      generateSeconds = (performance.now() - t) / 1000;
      say(`conformance: generated the types into a temp folder in ${generateSeconds.toFixed(2)}s`);
    }

    const entryFile =
      options.entry === undefined ? "index.d.ts" : `${TAGS_DIR}/${options.entry}.d.ts`;
    const inEntry = options.entry === undefined ? undefined : entryContents(typesDir, entryFile);
    let t = performance.now();
    const judge = createJudge(set.schemas);
    const schemas = new Map<string, JsonObject>(set.schemas.map((s) => [s.name, s.schema]));
    const proposed: Candidate[] = [];
    const skipped: Skipped[] = [];
    const noInstance: { schema: string; problem: string }[] = [];
    const checkedSchemas = set.schemas.filter((s) => inEntry?.schemas.has(s.name) ?? true);
    for (const s of checkedSchemas) {
      const generated = generateInstances(schemas, s.name, {
        recursionDepth: options.recursionDepth,
        judge,
      });
      if (generated.problem !== undefined)
        noInstance.push({ schema: s.name, problem: generated.problem });
      proposed.push(...generated.candidates);
      skipped.push(...generated.skipped);
    }
    const instancesSeconds = (performance.now() - t) / 1000;
    say(
      `conformance: proposed ${proposed.length} instances in ${instancesSeconds.toFixed(2)}s (${skipped.length} proposals set aside)`,
    );

    t = performance.now();
    const kept: Candidate[] = [];
    const judgeErrors: (string | undefined)[] = [];
    const misses: Miss[] = [];
    const examplesRejected: Miss[] = [];
    for (const candidate of proposed) {
      const verdict = judge.validate(candidate.schema, candidate.value);
      // Valid: valid with formats checked. Invalid: invalid even with formats ignored (types never check formats).
      const asIntended =
        candidate.intent === "valid" ? verdict.valid : !verdict.validIgnoringFormats;
      if (asIntended) {
        kept.push(candidate);
        judgeErrors.push(verdict.error);
        continue;
      }
      const judged =
        candidate.intent === "valid"
          ? (verdict.error ?? "valid")
          : verdict.valid
            ? "valid"
            : `valid but for a format (${verdict.error})`;
      const miss: Miss = {
        schema: candidate.schema,
        intent: candidate.intent,
        origin: candidate.origin,
        label: candidate.label,
        judge: judged,
      };
      if (candidate.origin !== "generated" && candidate.intent === "valid")
        examplesRejected.push(miss);
      else misses.push(miss);
    }
    const judgeSeconds = (performance.now() - t) / 1000;
    say(`conformance: the judge kept ${kept.length} instances in ${judgeSeconds.toFixed(2)}s`);

    // The operations' bodies: generated and judged per direction, once per distinct schema.
    t = performance.now();
    const bodies = operationBodies(set).filter(
      (b) => inEntry?.operations.has(b.operationId) ?? true,
    );
    const judges = new Map<Direction, Judge>();
    const judgeOf = (direction: Direction) => {
      let directed = judges.get(direction);
      if (directed === undefined) {
        directed = createJudge(set.schemas, { direction });
        judges.set(direction, directed);
      }
      return directed;
    };
    const judgedBodies = judgeBodies(bodies, judgeOf, { recursionDepth: options.recursionDepth });
    const bodyCases: TypeCase[] = [];
    bodies.forEach((body, i) =>
      bodyCases.push(
        ...judgedBodies[i]!.kept.map((c) => ({
          schema: c.schema,
          value: c.value,
          type: operationBodyType(body.operationId, body.place, body.media),
        })),
      ),
    );
    const bodiesSeconds = (performance.now() - t) / 1000;
    if (operationCount > 0)
      say(
        `conformance: ${bodies.length} bodies of ${operationCount} operations gave ${bodyCases.length} instances in ${bodiesSeconds.toFixed(2)}s`,
      );
    say(`conformance: type-checking ${kept.length + bodyCases.length} instances in one program`);

    const checked = checkTypes(typesDir, [...kept, ...bodyCases], entryFile);
    say(
      `conformance: tsc checked ${kept.length + bodyCases.length} instances in ${checked.seconds.toFixed(2)}s`,
    );
    const schemaErrors = checked.errors.slice(0, kept.length);
    let offset = kept.length;
    const bodyVerdicts: BodyVerdicts[] = bodies.map((body, i) => {
      const judged = judgedBodies[i]!;
      const compilerErrors = checked.errors.slice(offset, offset + judged.kept.length);
      offset += judged.kept.length;
      return {
        operation: body.operationId,
        body: bodyName(body),
        direction: body.direction,
        kept: judged.kept,
        compilerErrors,
        judgeErrors: judged.judgeErrors,
        misses: judged.misses,
        examplesRejected: judged.examplesRejected.length,
        skipped: judged.skipped,
        ...(judged.problem === undefined ? {} : { problem: judged.problem }),
      };
    });

    return buildReport(
      {
        schemasDir: options.schemasDir,
        typesDir:
          tempDir === undefined
            ? `${typesDir}/${entryFile}`
            : `types generated into a temp folder${options.entry === undefined ? "" : `, through ${entryFile}`}`,
        schemas: checkedSchemas.length,
        generatorMisses: {
          valid: misses.filter((m) => m.intent === "valid").length,
          invalid: misses.filter((m) => m.intent === "invalid").length,
          list: misses,
        },
        examplesRejected,
        skipped,
        noInstance,
        uncheckedFormats: judge.uncheckedFormats,
        typesErrors: checked.typesErrors,
        operations:
          operationCount === 0
            ? null
            : buildOperationsReport(inEntry?.operations.size ?? operationCount, bodyVerdicts),
        checkFileBytes: checked.checkFileBytes,
        seconds: {
          generateTypes: generateSeconds,
          instances: instancesSeconds,
          judge: judgeSeconds,
          operations: bodiesSeconds,
          typecheck: checked.seconds,
          total: (performance.now() - started) / 1000,
        },
      },
      { kept, compilerErrors: schemaErrors, judgeErrors },
    );
  } finally {
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
  }
}

/** The schemas and operations a tag's entry exports, read off its text: its alias lines and its paths. */
function entryContents(
  typesDir: string,
  entryFile: string,
): { schemas: Set<string>; operations: Set<string> } {
  const path = join(typesDir, entryFile);
  if (!existsSync(path))
    throw new SchemaError(
      path,
      undefined,
      "no such entry (the tags with entries are generated/tags/*.d.ts)",
    );
  const references = referencesOf(readFileSync(path, "utf8"));
  const named = (container: string) =>
    new Set(references.filter((r) => r.container === container).map((r) => r.name));
  return { schemas: named("schemas"), operations: named("operations") };
}
