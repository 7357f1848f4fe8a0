/**
 * The lock file: what was vendored (the roots and the operations selected), from where, at which revision,
 * and the sha256 of every file (schema and operation files alike).
 * Rendering is deterministic (fixed key order, files sorted by name); only `syncedAt` varies between runs,
 * and a lock that differs from the one on disk only in that field is not rewritten.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SchemaError } from "../pipeline/errors.js";
import { byCodeUnit, isObject } from "../pipeline/json.js";
import type { Operations, Roots } from "./config.js";
import type { SourceDescription } from "./sources/source.js";

export const LOCK_VERSION = 1;
export const DEFAULT_LOCK_PATH = "schemas.lock.json";

export interface Lock {
  lockVersion: typeof LOCK_VERSION;
  source: SourceDescription;
  roots: Roots;
  /**
   * The operations selected; absent means none. Rendered after `roots`, and only when some are selected, so
   * that a lock written before operations were vendored reads the same and keeps its bytes on a sync that
   * selects none.
   */
  operations?: Operations;
  /** Free text, e.g. why the files differ from upstream. */
  note?: string;
  /** ISO 8601, UTC. */
  syncedAt: string;
  /** sha256 (hex) by file name, sorted by file name. */
  files: Record<string, string>;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function hashFiles(files: ReadonlyMap<string, Uint8Array>): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const name of [...files.keys()].sort(byCodeUnit)) hashes[name] = sha256(files.get(name)!);
  return hashes;
}

export function renderLock(lock: Lock): string {
  const source: SourceDescription = {
    kind: lock.source.kind,
    location: lock.source.location,
    revision: lock.source.revision,
  };
  if (lock.source.apiVersion !== undefined) source.apiVersion = lock.source.apiVersion;
  const ordered = {
    lockVersion: lock.lockVersion,
    source,
    roots: lock.roots === "*" ? "*" : [...lock.roots],
    ...(lock.operations === "*" || (lock.operations ?? []).length > 0
      ? { operations: lock.operations === "*" ? "*" : [...lock.operations!] }
      : {}),
    ...(lock.note !== undefined ? { note: lock.note } : {}),
    syncedAt: lock.syncedAt,
    files: Object.fromEntries(
      Object.keys(lock.files)
        .sort(byCodeUnit)
        .map((name) => [name, lock.files[name]!]),
    ),
  };
  return JSON.stringify(ordered, null, 2) + "\n";
}

/** True when the two locks say the same thing apart from when they were written. */
export function sameApartFromTime(a: Lock, b: Lock): boolean {
  return renderLock({ ...a, syncedAt: "" }) === renderLock({ ...b, syncedAt: "" });
}

/** I/O edge: the lock on disk, or undefined when there is none. */
export function readLock(path: string): { text: string; lock: Lock } | undefined {
  if (!existsSync(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SchemaError(
      path,
      undefined,
      `cannot read the lock file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  return { text, lock: parseLock(text, path) };
}

export function parseLock(text: string, path: string): Lock {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SchemaError(path, undefined, `malformed JSON: ${(error as Error).message}`);
  }
  const bad = (at: string, problem: string): never => {
    throw new SchemaError(path, at, `not a lock file: ${problem}`);
  };
  if (!isObject(value)) return bad("(root)", "expected an object");
  if (value["lockVersion"] !== LOCK_VERSION) bad("/lockVersion", `expected ${LOCK_VERSION}`);
  const source = value["source"];
  if (!isObject(source)) return bad("/source", "expected an object");
  if (source["kind"] !== "github" && source["kind"] !== "openapi" && source["kind"] !== "folder")
    bad("/source/kind", "expected github, openapi or folder");
  for (const key of ["location", "revision"])
    if (typeof source[key] !== "string") bad(`/source/${key}`, "expected a string");
  const roots = value["roots"];
  if (roots !== "*" && !(Array.isArray(roots) && roots.every((r) => typeof r === "string")))
    bad("/roots", 'expected "*" or a list of names');
  const operations = value["operations"] ?? [];
  if (
    operations !== "*" &&
    !(Array.isArray(operations) && operations.every((o) => typeof o === "string"))
  )
    bad("/operations", 'expected "*" or a list of operationIds');
  if (value["note"] !== undefined && typeof value["note"] !== "string")
    bad("/note", "expected a string");
  if (typeof value["syncedAt"] !== "string") bad("/syncedAt", "expected a string");
  const files = value["files"];
  if (!isObject(files)) return bad("/files", "expected an object");
  for (const [name, hash] of Object.entries(files)) {
    if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash))
      bad(`/files/${name}`, "expected a sha256 in hex");
  }
  return {
    lockVersion: LOCK_VERSION,
    source: {
      kind: source["kind"] as SourceDescription["kind"],
      location: source["location"] as string,
      revision: source["revision"] as string,
      ...(typeof source["apiVersion"] === "string" ? { apiVersion: source["apiVersion"] } : {}),
    },
    roots: roots as Roots,
    ...(operations === "*" || (operations as Operations).length > 0
      ? { operations: operations as Operations }
      : {}),
    ...(typeof value["note"] === "string" ? { note: value["note"] } : {}),
    syncedAt: value["syncedAt"] as string,
    files: files as Record<string, string>,
  };
}

export interface LockDifference {
  file: string;
  problem: "mismatch" | "missing" | "extra";
  expected?: string;
  actual?: string;
}

/** `--verify`: re-hashes every file under `dir` against the lock. Empty when they agree. */
export function verifyAgainstLock(dir: string, lock: Lock): LockDifference[] {
  const onDisk = new Map<string, string>();
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    for (const file of listFiles(dir)) onDisk.set(file, sha256(readFileSync(join(dir, file))));
  }
  const differences: LockDifference[] = [];
  for (const file of Object.keys(lock.files).sort(byCodeUnit)) {
    const actual = onDisk.get(file);
    if (actual === undefined)
      differences.push({ file, problem: "missing", expected: lock.files[file]! });
    else if (actual !== lock.files[file])
      differences.push({ file, problem: "mismatch", expected: lock.files[file]!, actual });
  }
  for (const file of [...onDisk.keys()].sort(byCodeUnit)) {
    if (!Object.hasOwn(lock.files, file))
      differences.push({ file, problem: "extra", actual: onDisk.get(file)! });
  }
  return differences;
}

/** Every file under `dir`, as forward-slash paths relative to it. */
export function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? listFiles(join(dir, entry.name), relative) : [relative];
  });
}
