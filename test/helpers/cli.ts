/** Runs a project CLI as a user would, from TypeScript source, and captures what it prints. */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runScript(script: string, args: string[], cwd = process.cwd()): CliRun {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", join(process.cwd(), "scripts", script), ...args],
    {
      cwd,
      encoding: "utf8",
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix = "kst-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `{ "file.json": object | raw text }` into a new folder. */
export function writeSchemaFolder(dir: string, files: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(
      join(dir, name),
      typeof content === "string" ? content : JSON.stringify(content, null, 2),
    );
  }
  return dir;
}

/** Every file below `dir` with its bytes, to prove a folder was left untouched. */
export function snapshotFolder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub))) {
      const rel = sub ? `${sub}/${entry}` : entry;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else out[rel] = readFileSync(join(dir, rel), "base64");
    }
  };
  walk("");
  return out;
}

/** Every file below `dir` with the sha256 of its bytes: a folder left byte for byte has the same map. */
export function hashFolder(dir: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(snapshotFolder(dir)).map(([file, base64]) => [
      file,
      createHash("sha256").update(Buffer.from(base64, "base64")).digest("hex"),
    ]),
  );
}

export function copyFolder(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  return to;
}

/**
 * What generate writes for the embedded default, in code-unit order: the root entry and its ESM companion, the
 * folder's format file, the one shared module, and the Catalogs entry with its companion.
 */
export const DEFAULT_GENERATED_FILES = [
  "index.d.mts",
  "index.d.ts",
  "package.json",
  "shared/catalogs.d.ts",
  "tags/catalogs.d.mts",
  "tags/catalogs.d.ts",
];
