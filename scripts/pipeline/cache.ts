/**
 * A content-hash cache for generate: whole runs by the hash of every input, and the formatted parts of
 * the declaration file (members, frame, alias lines) by the hash of what shapes each. It lives in a folder
 * that is safe to delete (`.cache/generate/` by default). Everything in it is stamped with the pipeline's
 * version, the hash of its own code and of the tool versions, so a changed pipeline or tool never reuses an
 * old result. A cache that cannot be read is treated as empty: it can make a run faster, never different.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { byCodeUnit } from "./json.js";

export interface CachedRun {
  files: [string, string][];
  schemaCount: number;
  operationCount: number;
  refCount: number;
}

export interface CachedMember {
  /** The formatted member. */
  text: string;
  /** When typing it read other schemas: the hash of the schemas it can reach, which must still match. */
  closure?: string;
}

export interface GenerateCache {
  /** Whether parts of an earlier run are likely there to reuse: a run that misses will then be mostly reuse. */
  readonly warm: boolean;
  getRun(key: string): CachedRun | undefined;
  putRun(key: string, run: CachedRun): void;
  getMember(key: string): CachedMember | undefined;
  putMember(key: string, member: CachedMember): void;
  /** Formatted text of a part by its key: the frame, alias lines. */
  getPart(key: string): string | undefined;
  putPart(key: string, text: string): void;
  /** Keeps what this run used or made, drops the rest. */
  save(): void;
}

/** sha256 over the parts, each closed by a NUL so that ("ab", "c") and ("a", "bc") differ. */
export function hashOf(...parts: string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex");
}

/** An in-memory cache, for tests and for callers that run generate more than once in one process. */
export function memoryCache(): GenerateCache {
  const runs = new Map<string, CachedRun>();
  const members = new Map<string, CachedMember>();
  const parts = new Map<string, string>();
  return {
    get warm() {
      return members.size > 0;
    },
    getRun: (key) => runs.get(key),
    putRun: (key, run) => void runs.set(key, run),
    getMember: (key) => members.get(key),
    putMember: (key, member) => void members.set(key, member),
    getPart: (key) => parts.get(key),
    putPart: (key, text) => void parts.set(key, text),
    save: () => {},
  };
}

const FORMAT = 1;
/** Packs kept per cache folder; the least recently written go first. */
const KEEP_PACKS = 24;

interface RunPack {
  format: number;
  version: string;
  key: string;
  run: CachedRun;
}

interface PartsPack {
  format: number;
  version: string;
  members: Record<string, CachedMember>;
  parts: Record<string, string>;
}

/**
 * A cache in `dir`, one pack per `scope` (e.g. the schema folder), so that runs on different folders do not
 * evict each other. Two files per pack: the last run's output (all a no-change `--check` reads) and the parts.
 */
export function fileCache(dir: string, scope: string, version = pipelineVersion()): GenerateCache {
  // Named by version too, so that two builds in use side by side (the bundle, tsx from source) keep theirs.
  const name = hashOf(scope, version).slice(0, 24);
  // The run's key is in its file name: a run that does not match reads nothing.
  const runFile = (key: string) => join(dir, `${name}.${key.slice(0, 32)}.run.json`);
  const partsFile = join(dir, `${name}.parts.json`);
  let partsPack: PartsPack | undefined;
  let newRun: RunPack | undefined;
  const usedMembers = new Map<string, CachedMember>();
  const usedParts = new Map<string, string>();
  let partsTouched = false;

  const parts = (): PartsPack => {
    if (partsPack === undefined) {
      const read = readJson(partsFile) as PartsPack | undefined;
      partsPack =
        read?.format === FORMAT &&
        read.version === version &&
        isRecord(read.members) &&
        isRecord(read.parts)
          ? read
          : { format: FORMAT, version, members: {}, parts: {} };
    }
    return partsPack;
  };

  return {
    get warm() {
      // A look at the folder, not a read: this is asked before a run starts its work.
      return partsPack !== undefined
        ? Object.keys(partsPack.members).length > 0
        : existsSync(partsFile);
    },
    getRun(key) {
      const read = readJson(runFile(key)) as RunPack | undefined;
      return read?.format === FORMAT &&
        read.version === version &&
        read.key === key &&
        isRun(read.run)
        ? read.run
        : undefined;
    },
    putRun(key, run) {
      newRun = { format: FORMAT, version, key, run };
    },
    getMember(key) {
      partsTouched = true;
      const member = Object.hasOwn(parts().members, key) ? parts().members[key] : undefined;
      if (
        !isRecord(member) ||
        typeof member.text !== "string" ||
        (member.closure !== undefined && typeof member.closure !== "string")
      )
        return undefined;
      usedMembers.set(key, member);
      return member;
    },
    putMember(key, member) {
      partsTouched = true;
      usedMembers.set(key, member);
    },
    getPart(key) {
      partsTouched = true;
      const text = Object.hasOwn(parts().parts, key) ? parts().parts[key] : undefined;
      if (typeof text !== "string") return undefined;
      usedParts.set(key, text);
      return text;
    },
    putPart(key, text) {
      partsTouched = true;
      usedParts.set(key, text);
    },
    save() {
      mkdirSync(dir, { recursive: true });
      if (partsTouched) {
        const pack: PartsPack = {
          format: FORMAT,
          version,
          members: sortedRecord(usedMembers),
          parts: sortedRecord(usedParts),
        };
        writeAtomically(partsFile, JSON.stringify(pack));
      }
      if (newRun !== undefined) {
        const file = runFile(newRun.key);
        writeAtomically(file, JSON.stringify(newRun));
        for (const other of readdirSync(dir)) {
          if (
            other.startsWith(`${name}.`) &&
            other.endsWith(".run.json") &&
            join(dir, other) !== file
          )
            rmSync(join(dir, other), { force: true });
        }
      }
      prune(dir);
    },
  };
}

declare const __KST_BUILD_VERSION__: string | undefined;

/**
 * What the cache's results depend on besides the inputs: the pipeline's code and the tools' versions. A
 * bundled build (scripts/build.ts) carries the hash of every file it was built from; from source, it is the
 * hash of this folder's modules and of the lockfile, which pins every tool version.
 */
export function pipelineVersion(): string {
  if (typeof __KST_BUILD_VERSION__ === "string") return __KST_BUILD_VERSION__;
  const here = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(here)
    .filter((f) => f.endsWith(".ts"))
    .sort(byCodeUnit)
    .map((f) => join(here, f));
  const parts = [...files, join(here, "..", "..", "package-lock.json")].flatMap((file) => {
    try {
      return [file.slice(here.length), readFileSync(file, "utf8")];
    } catch {
      return [file.slice(here.length), "(absent)"];
    }
  });
  return hashOf("source", process.versions.node.split(".")[0]!, ...parts);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function isRun(run: unknown): run is CachedRun {
  if (
    !isRecord(run) ||
    typeof run["schemaCount"] !== "number" ||
    typeof run["operationCount"] !== "number" ||
    typeof run["refCount"] !== "number" ||
    !Array.isArray(run["files"])
  )
    return false;
  return run["files"].every(
    (file: unknown) =>
      Array.isArray(file) &&
      file.length === 2 &&
      typeof file[0] === "string" &&
      typeof file[1] === "string",
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sortedRecord<T>(map: Map<string, T>): Record<string, T> {
  const out: Record<string, T> = Object.create(null);
  for (const key of [...map.keys()].sort(byCodeUnit)) out[key] = map.get(key)!;
  return out;
}

/** Readers never see half a file: write a sibling, then rename over. */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}-${Date.now()}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function prune(dir: string): void {
  const packs = readdirSync(dir)
    .filter((f) => f.endsWith(".run.json") || f.endsWith(".parts.json"))
    .flatMap((f) => {
      try {
        return [{ f, pack: f.split(".")[0]!, mtime: statSync(join(dir, f)).mtimeMs }];
      } catch {
        return []; // removed by another run meanwhile
      }
    });
  const newest = new Map<string, number>();
  for (const { pack, mtime } of packs) newest.set(pack, Math.max(newest.get(pack) ?? 0, mtime));
  const old = new Set(
    [...newest]
      .sort((a, b) => b[1] - a[1])
      .slice(KEEP_PACKS)
      .map(([pack]) => pack),
  );
  for (const { f, pack } of packs) if (old.has(pack)) rmSync(join(dir, f), { force: true });
}
