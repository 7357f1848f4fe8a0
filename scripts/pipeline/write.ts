/**
 * Stage 6, write: the output folder is replaced as a whole. The new files go to a temporary sibling
 * folder which is then renamed over the old one, so a failed run leaves the old output byte for byte.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { byCodeUnit } from "./json.js";

/** Output files by path relative to the output folder. */
export type OutputFiles = ReadonlyMap<string, string>;

export interface Difference {
  file: string;
  problem: "missing" | "differs" | "unexpected";
  /** First differing line, for "differs". */
  line?: number;
}

export function writeOutput(outDir: string, files: OutputFiles): void {
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = join(parent, `.${basename(outDir)}.new-${stamp}`);
  const retired = join(parent, `.${basename(outDir)}.old-${stamp}`);
  try {
    for (const [file, content] of files) {
      const target = join(staging, file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    const hadOld = existsSync(outDir);
    if (hadOld) renameSync(outDir, retired);
    try {
      renameSync(staging, outDir);
    } catch (error) {
      if (hadOld) renameSync(retired, outDir);
      throw error;
    }
    if (hadOld) rmSync(retired, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** What `--check` reports: how the folder on disk differs from the files that would be written. */
export function compareOutput(outDir: string, files: OutputFiles): Difference[] {
  const differences: Difference[] = [];
  const onDisk = new Set(existsSync(outDir) && statSync(outDir).isDirectory() ? listFiles(outDir) : []);
  for (const [file, content] of [...files].sort(([a], [b]) => byCodeUnit(a, b))) {
    if (!onDisk.has(file)) {
      differences.push({ file, problem: "missing" });
      continue;
    }
    const current = readFileSync(join(outDir, file), "utf8");
    if (current !== content) differences.push({ file, problem: "differs", line: firstDifferentLine(current, content) });
  }
  for (const file of [...onDisk].sort(byCodeUnit)) {
    if (!files.has(file)) differences.push({ file, problem: "unexpected" });
  }
  return differences;
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? listFiles(join(dir, entry.name), relative) : [relative];
  });
}

function firstDifferentLine(a: string, b: string): number {
  const left = a.split("\n");
  const right = b.split("\n");
  let i = 0;
  while (i < left.length && i < right.length && left[i] === right[i]) i++;
  return i + 1;
}
