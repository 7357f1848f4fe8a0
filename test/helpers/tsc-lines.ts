/**
 * The `tsc` cross-check of the drift tests: a check.ts of one assignment per line, compiled by the real `tsc`
 * (strict, nodenext, skipLibCheck off: it checks the declaration files before check.ts, which is what gets deep
 * types right; with it on, tsc is as lax as a top-down isTypeAssignableTo, see scripts/diff/verdict.ts). Returns the
 * labels of the lines that error, and every other line tsc printed (which must be none).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENTRY_FILE, generateFromFiles } from "../../scripts/pipeline/generate.js";
import type { SchemaFile } from "../../scripts/pipeline/load.js";

const TSC = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "node_modules",
  "typescript",
  "bin",
  "tsc",
);

export function tscFailingLines(
  dir: string,
  lines: readonly string[],
  labels: ReadonlyMap<number, string>,
): { failing: string[]; other: string[] } {
  writeFileSync(join(dir, "check.ts"), lines.join("\n") + "\n");
  const compilerOptions = {
    strict: true,
    noEmit: true,
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "es2022",
    types: [],
    skipLibCheck: false,
  };
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions, files: ["check.ts"] }),
  );
  const tsc = spawnSync(process.execPath, [TSC, "-p", ".", "--pretty", "false"], {
    cwd: dir,
    encoding: "utf8",
  });
  return {
    failing: [...tsc.stdout.matchAll(/^check\.ts\((\d+),\d+\): error/gm)].map(
      (m) => labels.get(Number(m[1])) ?? `line ${m[1]}`,
    ),
    other: tsc.stdout
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith(" ") && !line.startsWith("check.ts(")),
  };
}

/** Generates both sides of a drift pair into `dir` as old.d.ts and new.d.ts, which check.ts imports. */
export async function writeGeneratedSides(
  dir: string,
  sides: readonly [
    { dir: string; files: readonly SchemaFile[] },
    { dir: string; files: readonly SchemaFile[] },
  ],
): Promise<void> {
  for (const [name, side] of [
    ["old.d.ts", sides[0]],
    ["new.d.ts", sides[1]],
  ] as const)
    writeFileSync(
      join(dir, name),
      // One file per side: the cross-check compiles the two as modules side by side.
      (await generateFromFiles(side.dir, side.files, undefined, { layout: "one-file" })).files.get(
        ENTRY_FILE,
      )!,
    );
}
