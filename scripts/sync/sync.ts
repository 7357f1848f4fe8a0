/**
 * `sync` as functions: upstream → the closure of the roots and the operations → checked → written atomically
 * with its lock.
 * Everything is fetched, parsed and checked in memory before the first byte is written, so any failure
 * leaves the schema folder, the lock and the config as they were.
 *
 * Hash checks, in order:
 *  1. GitHub: every file's git blob id must equal the one the tree listing gives for the pinned commit.
 *  2. When the lock on disk pins the same source kind and revision (for GitHub: the same commit), every file
 *     both contain must hash to the lock's sha256: the same revision must give the same bytes. (For OpenAPI
 *     and folder sources the revision is itself a content hash, so this holds by construction.)
 *  3. `--frozen`: the result must equal the lock exactly (same revision, same files, same hashes).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SchemaError } from "../pipeline/errors.js";
import { byCodeUnit } from "../pipeline/json.js";
import { prepareSchemaSet } from "../pipeline/prepare.js";
import { COMPONENT_KINDS, type LayoutKind } from "../pipeline/layout.js";
import { collectClosure, type VendoredFile } from "./closure.js";
import { openApiLocation, type Operations, type Roots, type SourceConfig } from "./config.js";
import { DEFAULT_LIMITS, decodeUtf8, type FetchLimits } from "./http.js";
import {
  hashFiles,
  listFiles,
  LOCK_VERSION,
  readLock,
  renderLock,
  sameApartFromTime,
  verifyAgainstLock,
  type Lock,
  type LockDifference,
} from "./lock.js";
import { openFolderSource } from "./sources/folder.js";
import { openGitHubSource } from "./sources/github.js";
import { openOpenApiSource } from "./sources/openapi.js";
import type { Source, SourceDescription } from "./sources/source.js";
import { vendorAtomically, type SingleFile } from "./vendor.js";

export interface SyncOptions {
  source: SourceConfig;
  roots: Roots;
  /** operationIds, or "*"; default none. */
  operations?: Operations;
  outDir: string;
  lockPath: string;
  limits?: FetchLimits;
  /** Fail unless the result equals the lock on disk exactly. */
  frozen?: boolean;
  /** Stored in the lock. */
  note?: string;
  /** `--pin`: the config file with its new text, replaced together with the folder and the lock. */
  pinConfig?: SingleFile;
  githubToken?: string;
  now?: () => Date;
  say?: (line: string) => void;
}

export interface SyncResult {
  source: SourceDescription;
  /** Vendored file names, sorted. */
  files: string[];
  /** How many files upstream has in all. */
  upstreamCount: number;
  /** Vendored files by kind. */
  kinds: Record<LayoutKind, number>;
  /** Every operation was asked for ("*"), and the source has none: it brought schemas only. */
  noOperations: boolean;
  lock: Lock;
  /** What was rewritten; all false when everything was already current. */
  wrote: { folder: boolean; lock: boolean; config: boolean };
}

export async function syncSchemas(options: SyncOptions): Promise<SyncResult> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const say = options.say ?? (() => {});
  // A broken lock fails before any download.
  const existing = readLock(options.lockPath);

  const operations = options.operations ?? [];
  const source = await openSource(
    options.source,
    limits,
    options.githubToken,
    say,
    operations === "*" || operations.length > 0,
  );
  const { files: closure, upstreamOperations } = await collectClosure(
    source,
    options.roots,
    operations,
  );
  for (const file of closure) {
    // A name with a slash (possible in a hostile OpenAPI document) must not become a path out of the folder.
    if (/[\\/\0]/.test(file.fileName))
      throw new SchemaError(
        file.path,
        undefined,
        `file name ${JSON.stringify(file.fileName)} is not a plain file name; refusing to write it`,
      );
  }
  const kinds = countKinds(closure);
  const noOperations = operations === "*" && upstreamOperations === 0;
  say(
    `sync: closure of ${selection(options.roots, operations)}: ${closure.length} of ${source.fileNames.length} upstream files`,
  );
  if (noOperations)
    say(`sync: this source brought no operations (it holds none); only schemas are vendored`);
  // What generate will read: every vendored file, operations and components included.
  await checkSetResolves(options.outDir, closure);

  const files = new Map(closure.map((schema) => [schema.fileName, schema.bytes]));
  const description = describe(source);
  const hashes = hashFiles(files);
  checkHashes(
    options,
    existing?.lock,
    description,
    hashes,
    new Map(closure.map((file) => [file.fileName, file.path])),
  );

  const lock: Lock = {
    lockVersion: LOCK_VERSION,
    source: description,
    roots: options.roots === "*" ? "*" : [...new Set(options.roots)].sort(byCodeUnit),
    operations: operations === "*" ? "*" : [...new Set(operations)].sort(byCodeUnit),
    ...(options.note !== undefined ? { note: options.note } : {}),
    syncedAt: (options.now ?? (() => new Date()))().toISOString(),
    files: hashes,
  };
  // Keep the old lock when only the time would change: a no-op sync leaves no diff.
  const lockText =
    existing !== undefined && sameApartFromTime(existing.lock, lock)
      ? existing.text
      : renderLock(lock);
  const wrote = {
    folder: !folderHolds(options.outDir, files),
    lock: existing?.text !== lockText,
    config:
      options.pinConfig !== undefined &&
      readText(options.pinConfig.path) !== options.pinConfig.bytes,
  };
  if (wrote.folder || wrote.lock || wrote.config) {
    const singles: SingleFile[] = [];
    if (wrote.lock) singles.push({ path: options.lockPath, bytes: lockText });
    if (wrote.config) singles.push(options.pinConfig!);
    vendorAtomically(options.outDir, wrote.folder ? files : undefined, singles);
  }
  return {
    source: description,
    files: [...files.keys()].sort(byCodeUnit),
    upstreamCount: source.fileNames.length,
    kinds,
    noOperations,
    lock: existing !== undefined && lockText === existing.text ? existing.lock : lock,
    wrote,
  };
}

/** `--verify`: the folder re-hashed against the lock. */
export function verifySchemas(
  outDir: string,
  lockPath: string,
): { lock: Lock; differences: LockDifference[] } {
  const existing = readLock(lockPath);
  if (existing === undefined)
    throw new SchemaError(
      lockPath,
      undefined,
      "no lock file to verify against (run npm run sync first)",
    );
  return { lock: existing.lock, differences: verifyAgainstLock(outDir, existing.lock) };
}

export async function openSource(
  config: SourceConfig,
  limits: FetchLimits,
  githubToken: string | undefined,
  say: (line: string) => void,
  withOperations = false,
): Promise<Source> {
  switch (config.kind) {
    case "github":
      return openGitHubSource(config, {
        limits,
        ...(githubToken ? { token: githubToken } : {}),
        say,
      });
    case "openapi":
      return openOpenApiSource(openApiLocation(config), limits, { withOperations, say });
    case "folder":
      say(`sync: reading the folder ${config.path}`);
      return openFolderSource(config.path, limits);
  }
}

function describe(source: Source): SourceDescription {
  return {
    kind: source.kind,
    location: source.location,
    revision: source.revision,
    ...(source.apiVersion !== undefined ? { apiVersion: source.apiVersion } : {}),
  };
}

function selection(roots: Roots, operations: Operations): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const parts = [roots === "*" ? "every schema" : count(roots.length, "root")];
  if (operations === "*") parts.push("every operation");
  else if (operations.length > 0) parts.push(count(operations.length, "operation"));
  return parts.join(" and ");
}

function countKinds(files: readonly VendoredFile[]): Record<LayoutKind, number> {
  const kinds = Object.fromEntries([...COMPONENT_KINDS, "operation"].map((k) => [k, 0])) as Record<
    LayoutKind,
    number
  >;
  for (const file of files) kinds[file.kind]++;
  return kinds;
}

/**
 * The vendored schemas must be a set that generate accepts: every name unique, every `$ref` resolving
 * inside it. (The closure has already checked that every ref of the other files names a vendored file.)
 */
async function checkSetResolves(outDir: string, closure: readonly VendoredFile[]): Promise<void> {
  if (closure.length === 0) return;
  await prepareSchemaSet(
    outDir,
    closure.map((schema) => ({
      fileName: schema.fileName,
      path: schema.path,
      text: decodeUtf8(schema.path, schema.bytes),
    })),
  );
}

function checkHashes(
  options: SyncOptions,
  lock: Lock | undefined,
  source: SourceDescription,
  hashes: Record<string, string>,
  pathOf: Map<string, string>,
): void {
  const sameRevision =
    lock !== undefined &&
    lock.source.kind === source.kind &&
    lock.source.revision === source.revision;
  if (sameRevision) {
    for (const [file, actual] of Object.entries(hashes)) {
      const pinned = lock.files[file];
      if (pinned !== undefined && pinned !== actual) {
        throw new SchemaError(
          pathOf.get(file)!,
          undefined,
          `hash mismatch: sha256 ${actual}, but ${options.lockPath} pins ${pinned} for the same ${source.kind} revision ${source.revision}`,
        );
      }
    }
  }
  if (!options.frozen) return;
  if (lock === undefined)
    throw new SchemaError(
      options.lockPath,
      undefined,
      "--frozen needs a lock file to match, and there is none",
    );
  if (!sameRevision) {
    throw new SchemaError(
      options.lockPath,
      undefined,
      `--frozen: the lock pins ${lock.source.kind} revision ${lock.source.revision}, but the source is ${source.kind} revision ${source.revision}`,
    );
  }
  const added = Object.keys(hashes).filter((f) => !Object.hasOwn(lock.files, f));
  const removed = Object.keys(lock.files).filter((f) => !Object.hasOwn(hashes, f));
  if (added.length > 0 || removed.length > 0) {
    const first =
      added.length > 0
        ? `${added.sort(byCodeUnit)[0]} is not in the lock`
        : `${removed.sort(byCodeUnit)[0]} is no longer vendored`;
    throw new SchemaError(
      options.lockPath,
      undefined,
      `--frozen: the result differs from the lock (${added.length} files added, ${removed.length} removed; ${first})`,
    );
  }
}

/** True when `dir` holds exactly these files with these bytes. */
function folderHolds(dir: string, files: ReadonlyMap<string, Uint8Array>): boolean {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
  const onDisk = listFiles(dir);
  if (onDisk.length !== files.size) return false;
  return onDisk.every((file) => {
    const bytes = files.get(file);
    return bytes !== undefined && Buffer.from(bytes).equals(readFileSync(join(dir, file)));
  });
}

function readText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}
