/**
 * A content-hash cache for generate: whole runs by the hash of every input, the formatted parts of the
 * declaration file (members, frame, alias lines) by the hash of what shapes each, and what load, resolve and
 * normalise made of each schema file (prepare.ts) by the file's name and text. It lives in a folder
 * that is safe to delete (`.cache/generate/` by default). Everything in it is stamped with the pipeline's
 * version, the hash of its own code and of the tool versions, so a changed pipeline or tool never reuses an
 * old result. A cache that cannot be read is treated as empty: it can make a run faster, never different.
 */
import * as crypto from "node:crypto";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writevSync,
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

/** What prepare.ts keeps of one schema file: its own record (JSON), and two bodies as JSON text. */
export interface CachedFile {
  meta: string;
  resolved: string;
  normalized: string;
}

/** The texts of one CachedFile in a pack, in this order. */
const FILE_TEXTS = ["meta", "resolved", "normalized"] as const;

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
  /** What prepare.ts made of one schema file, by its key (prepare.ts fileKey()). */
  getFile(key: string): CachedFile | undefined;
  putFile(key: string, file: CachedFile): void;
  /** Keeps what this run used or made, drops the rest. */
  save(): void;
}

/** sha256 over the parts, each closed by a NUL so that ("ab", "c") and ("a", "bc") differ. */
export function hashOf(...parts: string[]): string {
  let length = 0;
  for (const part of parts) length += part.length;
  // The same bytes either way; a small input hashes faster in one call (crypto.hash, Node 20.12 and later).
  if (length < 16_384 && oneShot !== undefined) return oneShot("sha256", parts.join("\0") + "\0");
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex");
}

const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

/** An in-memory cache, for tests and for callers that run generate more than once in one process. */
export function memoryCache(): GenerateCache {
  const runs = new Map<string, CachedRun>();
  const members = new Map<string, CachedMember>();
  const parts = new Map<string, string>();
  const files = new Map<string, CachedFile>();
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
    getFile: (key) => files.get(key),
    putFile: (key, file) => void files.set(key, file),
    save: () => {},
  };
}

const FORMAT = 3;
/** Packs kept per cache folder; the least recently written go first. */
const KEEP_PACKS = 24;

/**
 * A cache in `dir`, one pack per `scope` (e.g. the schema folder), so that runs on different folders do not
 * evict each other. Two files per pack: the last run's output (all a no-change `--check` reads) and the parts.
 * Each is a small JSON header and the texts it names, as UTF-16 (see encodePack()).
 */
export function fileCache(dir: string, scope: string, version = pipelineVersion()): GenerateCache {
  // Named by version too, so that two builds in use side by side (the bundle, tsx from source) keep theirs.
  const name = hashOf(scope, version).slice(0, 24);
  // The run's key is in its file name: a run that does not match reads nothing.
  const runFile = (key: string) => join(dir, `${name}.${key.slice(0, 32)}.run.pack`);
  const partsFile = join(dir, `${name}.parts.pack`);
  let partsPack: PartsPack | undefined;
  let newRun: { key: string; run: CachedRun } | undefined;
  const usedMembers = new Map<string, CachedMember>();
  /** A part as a run made it, or as read, with its bytes in the pack read (saved again as they are). */
  const usedParts = new Map<string, string | { text: string; raw: RawText }>();
  const usedFiles = new Map<string, CachedFile>();
  let partsTouched = false;

  const parts = (): PartsPack => (partsPack ??= readPartsPack(partsFile, version));

  return {
    get warm() {
      // A look at the folder, not a read: this is asked before a run starts its work.
      return partsPack !== undefined ? partsPack.members.size > 0 : existsSync(partsFile);
    },
    getRun(key) {
      return readRunPack(runFile(key), version, key);
    },
    putRun(key, run) {
      newRun = { key, run };
    },
    getMember(key) {
      partsTouched = true;
      const member = parts().members.get(key)?.();
      if (member !== undefined) usedMembers.set(key, member);
      return member;
    },
    putMember(key, member) {
      partsTouched = true;
      usedMembers.set(key, member);
    },
    getPart(key) {
      partsTouched = true;
      const at = parts().parts.get(key);
      if (at === undefined) return undefined;
      const text = at.pack.text(at.index);
      usedParts.set(key, { text, raw: at.pack.raw(at.index) });
      return text;
    },
    putPart(key, text) {
      partsTouched = true;
      usedParts.set(key, text);
    },
    getFile(key) {
      partsTouched = true;
      const file = parts().files.get(key)?.();
      if (file !== undefined) usedFiles.set(key, file);
      return file;
    },
    putFile(key, file) {
      partsTouched = true;
      usedFiles.set(key, file);
    },
    save() {
      mkdirSync(dir, { recursive: true });
      if (partsTouched) {
        const memberKeys = [...usedMembers.keys()].sort(byCodeUnit);
        const partKeys = [...usedParts.keys()].sort(byCodeUnit);
        const fileKeys = [...usedFiles.keys()].sort(byCodeUnit);
        const header: PartsHeader = {
          format: FORMAT,
          version,
          members: memberKeys.map((key) => [key, usedMembers.get(key)!.closure ?? null]),
          parts: partKeys,
          files: fileKeys,
        };
        const encoded = encodePack(header, [
          ...memberKeys.map((key) => {
            const member = usedMembers.get(key)!;
            return member instanceof PackedMember ? member.raw() : member.text;
          }),
          ...partKeys.map((key) => {
            const part = usedParts.get(key)!;
            return typeof part === "string" ? part : part.raw;
          }),
          ...fileKeys.flatMap((key): (string | RawText)[] => {
            const file = usedFiles.get(key)!;
            // As read, when it was: its bytes go back unchanged, never decoded and encoded again.
            return file instanceof PackedFile
              ? FILE_TEXTS.map((_, i) => file.raw(i))
              : FILE_TEXTS.map((text) => file[text]);
          }),
        ]);
        writeAtomically(partsFile, encoded);
      }
      if (newRun !== undefined) {
        const file = runFile(newRun.key);
        const { files, ...counts } = newRun.run;
        const header: RunHeader = {
          format: FORMAT,
          version,
          key: newRun.key,
          ...counts,
          names: files.map(([fileName]) => fileName),
        };
        writeAtomically(
          file,
          encodePack(
            header,
            files.map(([, text]) => text),
          ),
        );
        for (const other of readdirSync(dir)) {
          if (other.startsWith(`${name}.`) && isRunFile(other) && join(dir, other) !== file)
            rmSync(join(dir, other), { force: true });
        }
      }
      prune(dir);
    },
  };
}

interface RunHeader extends Omit<CachedRun, "files"> {
  format: number;
  version: string;
  key: string;
  names: string[];
}

interface PartsHeader {
  format: number;
  version: string;
  /** Each member's key and closure, in the order of the pack's first texts. */
  members: [key: string, closure: string | null][];
  /** The keys of the texts after the members'. */
  parts: string[];
  /** The keys of the files after those, each FILE_TEXTS.length texts. */
  files: string[];
}

/** What a parts pack holds, each text read when it is asked for. */
interface PartsPack {
  members: Map<string, () => CachedMember>;
  parts: Map<string, { pack: Pack; index: number }>;
  files: Map<string, () => CachedFile>;
}

function readRunPack(file: string, version: string, key: string): CachedRun | undefined {
  const pack = readPack(file);
  if (pack === undefined) return undefined;
  const header = pack.header as Partial<RunHeader>;
  if (
    header.format !== FORMAT ||
    header.version !== version ||
    header.key !== key ||
    typeof header.schemaCount !== "number" ||
    typeof header.operationCount !== "number" ||
    typeof header.refCount !== "number" ||
    !Array.isArray(header.names) ||
    header.names.length !== pack.count ||
    !header.names.every((n) => typeof n === "string")
  )
    return undefined;
  return {
    files: header.names.map((fileName, i): [string, string] => [fileName, pack.text(i)]),
    schemaCount: header.schemaCount,
    operationCount: header.operationCount,
    refCount: header.refCount,
  };
}

function readPartsPack(file: string, version: string): PartsPack {
  const empty: PartsPack = { members: new Map(), parts: new Map(), files: new Map() };
  const pack = readPack(file);
  if (pack === undefined) return empty;
  const header = pack.header as Partial<PartsHeader>;
  if (
    header.format !== FORMAT ||
    header.version !== version ||
    !Array.isArray(header.members) ||
    !Array.isArray(header.parts) ||
    !Array.isArray(header.files) ||
    header.members.length + header.parts.length + FILE_TEXTS.length * header.files.length !==
      pack.count ||
    !header.members.every(
      (m) =>
        Array.isArray(m) && typeof m[0] === "string" && (m[1] === null || typeof m[1] === "string"),
    ) ||
    !header.parts.every((p) => typeof p === "string") ||
    !header.files.every((f) => typeof f === "string")
  )
    return empty;
  const members = new Map<string, () => CachedMember>();
  header.members.forEach(([key, closure], i) =>
    members.set(key, () => new PackedMember(pack, i, closure)),
  );
  const parts = new Map<string, { pack: Pack; index: number }>();
  const offset = header.members.length;
  header.parts.forEach((key, i) => parts.set(key, { pack, index: offset + i }));
  const files = new Map<string, () => CachedFile>();
  const filesAt = offset + header.parts.length;
  header.files.forEach((key, i) => {
    const at = filesAt + FILE_TEXTS.length * i;
    files.set(key, () => new PackedFile(pack, at));
  });
  return { members, parts, files };
}

/**
 * A pack on disk: "KSTPACK2", the header's length (4 bytes, little-endian), the header (JSON, UTF-8) with the
 * byte length of each text appended as `lengths`, then the texts back to back: each in UTF-8, or in UTF-16LE
 * (as JavaScript holds it, listed in `wide`) when it is not well-formed Unicode (a lone surrogate), which UTF-8
 * cannot carry. Reading one copies out the texts it is asked for, rather than parsing megabytes of JSON strings
 * (most of what a no-change run spent on the cache); the texts, mostly ASCII, take half the bytes that UTF-16
 * would, and come back as one-byte strings, which compare and parse faster.
 */
function encodePack(header: object, texts: readonly (string | RawText)[]): Uint8Array[] {
  const wide: number[] = [];
  const lengths = texts.map((text, i) => {
    if (typeof text !== "string") {
      if (text.wide) wide.push(i);
      return text.end - text.start;
    }
    if (isWellFormed(text)) return Buffer.byteLength(text, "utf8");
    wide.push(i);
    return 2 * text.length;
  });
  const head = Buffer.from(JSON.stringify({ ...header, lengths, wide }), "utf8");
  const start = Buffer.allocUnsafe(PACK_MAGIC.length + 4);
  PACK_MAGIC.copy(start, 0);
  start.writeUInt32LE(head.length, PACK_MAGIC.length);
  // The pack as the pieces it is written from: texts read from another pack are not copied, but written from
  // where they lie there, as one piece where they lay side by side.
  const chunks: Uint8Array[] = [start, head];
  let run: { pack: Buffer; start: number; end: number } | undefined;
  const flush = () => {
    if (run === undefined) return;
    chunks.push(run.pack.subarray(run.start, run.end));
    run = undefined;
  };
  let next = 0;
  texts.forEach((text, i) => {
    const encoding = wide[next] === i ? (next++, "utf16le") : "utf8";
    if (typeof text === "string") {
      flush();
      chunks.push(Buffer.from(text, encoding));
      return;
    }
    if (run !== undefined && run.pack === text.pack && run.end === text.start) run.end = text.end;
    else {
      flush();
      run = { pack: text.pack, start: text.start, end: text.end };
    }
  });
  flush();
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  let expected = start.length + head.length;
  for (const n of lengths) expected += n;
  if (length !== expected) throw new Error("cache: a pack came out shorter than its texts");
  return chunks;
}

const PACK_MAGIC = Buffer.from("KSTPACK2", "latin1");

/** String.prototype.isWellFormed (Node 20 has it; the TypeScript lib this project targets does not list it). */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** A pack's header and texts, or undefined when the file is missing or not a whole pack. */
/** A text of a pack as it lies there: its bytes, and whether they are UTF-16LE rather than UTF-8. */
interface RawText {
  /** The pack read, and where the text lies in it. */
  pack: Buffer;
  start: number;
  end: number;
  wide: boolean;
}

interface Pack {
  header: unknown;
  count: number;
  text(i: number): string;
  raw(i: number): RawText;
}

/** A member read from a parts pack: its text, and its bytes there, to save it again as they are. */
class PackedMember implements CachedMember {
  readonly text: string;
  readonly closure?: string;
  constructor(
    private readonly pack: Pack,
    private readonly at: number,
    closure: string | null,
  ) {
    this.text = pack.text(at);
    if (closure !== null) this.closure = closure;
  }
  raw(): RawText {
    return this.pack.raw(this.at);
  }
}

/**
 * A file's texts in a parts pack, decoded when read (each read decodes again: a text is read once, and then
 * only its bytes are needed, to save it again).
 */
class PackedFile implements CachedFile {
  constructor(
    private readonly pack: Pack,
    private readonly at: number,
  ) {}
  get meta(): string {
    return this.pack.text(this.at);
  }
  get resolved(): string {
    return this.pack.text(this.at + 1);
  }
  get normalized(): string {
    return this.pack.text(this.at + 2);
  }
  raw(i: number): RawText {
    return this.pack.raw(this.at + i);
  }
}

function readPack(file: string): Pack | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const start = PACK_MAGIC.length + 4;
  if (bytes.length < start || !bytes.subarray(0, PACK_MAGIC.length).equals(PACK_MAGIC))
    return undefined;
  const headEnd = start + bytes.readUInt32LE(PACK_MAGIC.length);
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString("utf8", start, headEnd));
  } catch {
    return undefined;
  }
  const lengths = isRecord(header) ? header["lengths"] : undefined;
  const wide = isRecord(header) ? header["wide"] : undefined;
  if (!Array.isArray(lengths) || !lengths.every((n) => Number.isSafeInteger(n) && n >= 0))
    return undefined;
  if (!Array.isArray(wide) || !wide.every((i) => Number.isSafeInteger(i) && i >= 0))
    return undefined;
  const offsets = [headEnd];
  for (const n of lengths as number[]) offsets.push(offsets[offsets.length - 1]! + n);
  if (offsets[offsets.length - 1] !== bytes.length) return undefined;
  const utf16 = new Set(wide as number[]);
  return {
    header,
    count: lengths.length,
    text: (i) => bytes.toString(utf16.has(i) ? "utf16le" : "utf8", offsets[i], offsets[i + 1]),
    raw: (i) => ({ pack: bytes, start: offsets[i]!, end: offsets[i + 1]!, wide: utf16.has(i) }),
  };
}

function isRunFile(file: string): boolean {
  return file.endsWith(".run.pack") || file.endsWith(".run.json");
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Readers never see half a file: write a sibling, then rename over. */
function writeAtomically(file: string, chunks: readonly Uint8Array[]): void {
  const temporary = `${file}.${process.pid}-${Date.now()}.tmp`;
  try {
    const fd = openSync(temporary, "w");
    try {
      // writev takes so many pieces at a time (IOV_MAX), and may write fewer bytes than asked.
      for (let at = 0; at < chunks.length; at += 1024) {
        let batch = chunks.slice(at, at + 1024);
        while (batch.length > 0) {
          let written = writevSync(fd, batch);
          while (batch.length > 0 && written >= batch[0]!.length) written -= batch.shift()!.length;
          if (written > 0) batch[0] = batch[0]!.subarray(written);
        }
      }
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function prune(dir: string): void {
  const packs = readdirSync(dir)
    // Packs of this format, and the JSON ones of the format before (read by no run, they age out).
    .filter((f) => /\.(run|parts)\.(pack|json)$/.test(f))
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
