/**
 * Atomic vendoring: everything is staged beside its target first, then swapped in by renames (the folder as a
 * whole, then each single file: the lock, and the config with --pin). If any step fails, the renames done so
 * far are undone, so the schema folder, the lock and the config are left byte for byte as they were.
 */
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { SchemaError } from "../pipeline/errors.js";
import { byCodeUnit } from "../pipeline/json.js";

export interface SingleFile {
  path: string;
  bytes: Uint8Array | string;
}

/**
 * Replaces `outDir` with exactly `files` (when given) and each single file with its new bytes.
 * Staging names start with "." and carry the process id, so they never collide and never end in `*.json`.
 */
export function vendorAtomically(
  outDir: string,
  files: ReadonlyMap<string, Uint8Array> | undefined,
  singles: readonly SingleFile[],
): void {
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = join(dirname(outDir), `.${basename(outDir)}.sync-new-${stamp}`);
  const retired = join(dirname(outDir), `.${basename(outDir)}.sync-old-${stamp}`);
  const plans = singles.map((single) => ({
    ...single,
    staged: join(dirname(single.path), `.${basename(single.path)}.sync-new-${stamp}`),
    backup: join(dirname(single.path), `.${basename(single.path)}.sync-old-${stamp}`),
    existed: existsSync(single.path),
  }));
  let step = "";
  const at = (path: string, what: string) => {
    step = `${path}: ${what}`;
  };
  try {
    if (files !== undefined) {
      at(outDir, "cannot replace the folder");
      if (existsSync(outDir) && !statSync(outDir).isDirectory())
        throw new SchemaError(outDir, undefined, "exists and is not a folder");
      // The folder is replaced as a whole, so it must be a schema folder: `--out .` must not wipe a project.
      const foreign = existsSync(outDir)
        ? readdirSync(outDir)
            .filter((name) => !name.endsWith(".json"))
            .sort(byCodeUnit)
        : [];
      if (foreign.length > 0) {
        throw new SchemaError(
          outDir,
          undefined,
          `refusing to replace this folder: it holds files that are not schema files (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", ..." : ""})`,
        );
      }
      at(staging, "cannot stage the new files");
      mkdirSync(staging, { recursive: true });
      for (const [file, bytes] of files) {
        const target = join(staging, file);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, bytes);
      }
    }
    for (const plan of plans) {
      at(plan.staged, "cannot stage the new file");
      mkdirSync(dirname(plan.path), { recursive: true });
      writeFileSync(plan.staged, plan.bytes);
    }
    commit(outDir, files !== undefined, staging, retired, plans, at);
  } catch (error) {
    if (error instanceof SchemaError) throw error;
    const [path, what] = step.split(/: (.*)/s);
    throw new SchemaError(
      path!,
      undefined,
      `${what} (${(error as NodeJS.ErrnoException).code ?? String(error)}); nothing was changed`,
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
    for (const plan of plans) rmSync(plan.staged, { force: true });
  }
}

interface Plan extends SingleFile {
  staged: string;
  backup: string;
  existed: boolean;
}

function commit(
  outDir: string,
  swapFolder: boolean,
  staging: string,
  retired: string,
  plans: readonly Plan[],
  at: (path: string, what: string) => void,
): void {
  let hadOld = false;
  let swapped = false;
  const replaced: Plan[] = [];
  try {
    if (swapFolder) {
      at(outDir, "cannot replace the folder");
      if (existsSync(outDir)) {
        renameSync(outDir, retired);
        hadOld = true;
      }
      renameSync(staging, outDir);
      swapped = true;
    }
    for (const plan of plans) {
      at(plan.path, "cannot replace the file");
      // A second name for the old file, so undoing is a rename too.
      if (plan.existed) keepCopy(plan.path, plan.backup);
      renameSync(plan.staged, plan.path);
      replaced.push(plan);
    }
  } catch (error) {
    for (const plan of replaced.reverse()) {
      if (plan.existed) renameSync(plan.backup, plan.path);
      else rmSync(plan.path, { force: true });
    }
    if (swapped) renameSync(outDir, staging);
    if (hadOld) renameSync(retired, outDir);
    for (const plan of plans) rmSync(plan.backup, { force: true });
    throw error;
  }
  for (const plan of plans) rmSync(plan.backup, { force: true });
  if (hadOld) rmSync(retired, { recursive: true, force: true });
}

function keepCopy(path: string, backup: string): void {
  try {
    linkSync(path, backup);
  } catch {
    copyFileSync(path, backup);
  }
}
