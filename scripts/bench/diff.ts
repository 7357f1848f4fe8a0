/**
 * The drift report's part of the bench (`npm run bench -- --only diff`): `npm run diff` on the whole OpenAPI
 * document against itself with one schema changed, against one cold `generate` of the same document (issue 11:
 * the diff takes at most twice that), interleaved in one run. The document is split once by `npm run sync --all`
 * (untimed) into a folder; a copy of it has CHANGED_FILE gain an optional property, which one operation
 * (`bulk_create_catalog_items`) reaches. Before the timed rounds, one untimed run of each checks that the diff
 * reports exactly that: one schema and one operation changed, nothing breaking.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { progress } from "../cli.js";
import { measure, type Sample } from "./measure.js";
import type { CaseResult } from "./report.js";

/** The schema the diff's new side changes: the project's seed schema, reached by one operation. */
export const DIFF_CHANGED_FILE = "klaviyo-postcatalogitemcreatejobresponse-schema.json";
export const DIFF_CHANGED_SCHEMA = "PostCatalogItemCreateJobResponse";
export const DIFF_CHANGED_OPERATION = "bulk_create_catalog_items";
/** The property the new side's schema gains. */
const ADDED_PROPERTY = "bench_note";

/** Case ids of the diff part. */
export const DIFF_CASE = "diff-one-changed";
export const DIFF_GENERATE_CASE = "diff-generate-cold";

export interface DiffBenchOptions {
  /** How to start each command, without npm (the npm scripts' words: bench.ts resolves them). */
  generate: string[];
  diff: string[];
  sync: string[];
  document: string;
  root: string;
  work: string;
  scratch: string;
  runs: number;
}

export function benchDiff(options: DiffBenchOptions): {
  set: { document: string; changedFile: string };
  cases: CaseResult[];
} {
  const { generate, diff, sync, document, root, work, scratch, runs } = options;
  const before = join(work, "diff-before");
  const after = join(work, "diff-after");
  progress(`bench: diff, splitting ${document} into ${before} (npm run sync, untimed)`);
  runOnce(
    [
      ...sync,
      "--from",
      document,
      "--all",
      "--out",
      before,
      "--lock",
      `${before}.lock.json`,
      "--quiet",
    ],
    root,
  );
  cpSync(before, after, { recursive: true });
  const changed = join(after, DIFF_CHANGED_FILE);
  const body = JSON.parse(readFileSync(changed, "utf8")) as {
    properties?: Record<string, unknown>;
  };
  if (body.properties === undefined || ADDED_PROPERTY in body.properties)
    throw new Error(`bench: ${DIFF_CHANGED_FILE} has no properties to add "${ADDED_PROPERTY}" to`);
  body.properties[ADDED_PROPERTY] = { type: "string", description: "Added by the bench." };
  writeFileSync(changed, JSON.stringify(body, null, 2) + "\n");

  const cases: { id: string; label: string; argv: string[] }[] = [
    {
      id: DIFF_CASE,
      label: "diff, against itself with one schema changed",
      argv: [...diff, "--from", before, "--to", after, "--json", "--quiet"],
    },
    {
      id: DIFF_GENERATE_CASE,
      label: "generate, cold (--no-cache)",
      argv: [
        ...generate,
        "--schemas",
        before,
        "--out",
        join(work, "diff-generated"),
        "--no-cache",
        "--quiet",
      ],
    },
  ];
  progress("bench: diff, warming up (one run of each case, untimed) and checking the report");
  checkReport(runOnce(cases[0]!.argv, root));
  runOnce(cases[1]!.argv, root);

  const samples = new Map<string, Sample[]>(cases.map((c) => [c.id, []]));
  for (let round = 0; round < runs; round++) {
    progress(`bench: diff, round ${round + 1} of ${runs}`);
    // Alternating which goes first, as bench.ts's interleave() rotates its cases.
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + round) % cases.length]!;
      samples.get(c.id)!.push(measure(c.argv, { cwd: root, scratch }));
    }
  }
  return {
    set: { document: relative(root, document) || ".", changedFile: DIFF_CHANGED_FILE },
    cases: cases.map((c) => ({
      id: c.id,
      label: c.label,
      group: "diff",
      set: "openapi",
      samples: samples.get(c.id)!,
    })),
  };
}

/** Runs `argv` once, untimed; its stdout, or an error with its stderr when it fails. */
function runOnce(argv: string[], cwd: string): string {
  const run = spawnSync(argv[0]!, argv.slice(1), {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0)
    throw new Error(
      `bench: ${argv.join(" ")} exited ${run.status ?? run.signal}\n${run.stderr.trim()}`,
    );
  return run.stdout;
}

/** The one-changed diff must report what the bench changed, and nothing else. */
function checkReport(stdout: string): void {
  const report = JSON.parse(stdout) as {
    schemas: { name: string; change: string; breaks: { readers: boolean; writers: boolean } }[];
    operations?: { operationId: string; change: string; breaks: Record<string, boolean> }[];
  };
  const schemas = report.schemas.map((s) => `${s.name}:${s.change}`);
  const operations = (report.operations ?? []).map((o) => `${o.operationId}:${o.change}`);
  const breaking =
    report.schemas.some((s) => s.breaks.readers || s.breaks.writers) ||
    (report.operations ?? []).some((o) => o.breaks["requests"] || o.breaks["responses"]);
  const expected = [`${DIFF_CHANGED_SCHEMA}:changed`, `${DIFF_CHANGED_OPERATION}:changed`];
  if (
    schemas.join() !== expected[0] ||
    operations.join() !== expected[1] ||
    breaking ||
    report.operations === undefined
  )
    throw new Error(
      `bench: the diff should report ${expected.join(" and ")}, nothing breaking; it reported schemas [${schemas.join(", ")}], operations [${operations.join(", ")}]${breaking ? ", something breaking" : ""}`,
    );
}
