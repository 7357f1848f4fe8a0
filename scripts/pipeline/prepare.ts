/**
 * load → resolve → normalise: schema files → the set the emitter, the drift report and the conformance run
 * work on. Resolve and normalise are imported when a run gets here, not at start-up: a run that generate's
 * cache answers whole never does.
 *
 * With a cache (generate's, cache.ts), what each file's own steps make is kept per file and reused: loading it
 * (parsing, what it declares), resolving its refs, normalising its body. Those steps read nothing of the other
 * files but the answers to a few questions about the set's names (resolve.ts Lookups: which schema a file name
 * declares, whether a schema or component name exists), so a kept result is reused only for the same file name
 * and text (the key) while every answer it was given is still the same. The steps across the set run on every
 * run, on the same bodies a run without the cache has: json-schema-ref-parser's check that every ref resolves
 * and the copying of deep refs (resolve.ts), each schema as each direction sees it (direction.ts, which is
 * handed what its walks learnt of each kept body before: DirectionFacts, a function of that body alone), and
 * the checks of what two files both declare (load.ts). Not kept: a file whose refs go deep into another schema
 * (its body then holds a copy of that schema's part), and one with a number that JSON text would not give back
 * (LOSSY_NUMBER). Any error on the way makes the run start again without the kept results, so that an error
 * reads as on a run without the cache.
 */
import { hashOf, type CachedFile, type GenerateCache } from "./cache.js";
import { byCodeUnit, lazyJson, writeJson, type JsonObject } from "./json.js";
import { componentRef } from "./refs.js";
import {
  indexLoadedFiles,
  loadFile,
  parseSchemaFiles,
  type LoadedComponent,
  type LoadedFile,
  type LoadedOperation,
  type LoadedSchema,
  type SchemaFile,
  type SchemaSet,
} from "./load.js";
import type { HttpMethod } from "./layout.js";
import type { NormalizedSet } from "./normalize.js";
import type { ComponentSection } from "./openapi-objects.js";
import { knownOwnHash, type DirectionFacts, type FileFacts } from "./direction.js";
import type {
  CanonicalItem,
  RefSite,
  ResolvedComponent,
  ResolvedOperation,
  ResolvedSchema,
  ResolvedSet,
  SetNames,
} from "./resolve.js";

export interface PreparedSet {
  /** Before normalising: what the schemas say, every ref in resolve's one form (conformance's judge reads this). */
  resolved: ResolvedSet;
  /** What the emitter and the drift comparison read. */
  normalized: NormalizedSet;
}

/** The part of generate's cache that keeps prepared files. */
export type PrepareCache = Pick<GenerateCache, "getFile" | "putFile" | "getPart" | "putPart">;

export async function prepareSchemaSet(
  dir: string,
  files: readonly SchemaFile[],
  cache?: PrepareCache,
): Promise<PreparedSet> {
  if (cache === undefined) {
    const loaded = parseSchemaFiles(dir, files);
    const { resolveSchemaSet } = await import("./resolve.js");
    const resolved = await resolveSchemaSet(loaded);
    const { normalizeSchemaSet } = await import("./normalize.js");
    return { resolved, normalized: normalizeSchemaSet(resolved) };
  }
  try {
    return await prepareWithCache(dir, files, cache, true);
  } catch {
    // An error of the set, or (never expected) a kept result that does not fit: without the kept results,
    // the run either reports the error as a run without the cache does, or succeeds.
  }
  return prepareWithCache(dir, files, cache, false);
}

/** The key of one file's kept result: its name and text (the cache itself is stamped with the pipeline's code). */
export function fileKey(file: SchemaFile): string {
  return hashOf("prepared-file", file.fileName, file.text);
}

/** What a file declares, as kept: enough to index it (load.ts) without parsing it. */
type Identity =
  | { kind: "schema"; name: string }
  | { kind: "operation"; operationId: string; route: string; method: HttpMethod }
  | { kind: "component"; section: ComponentSection; name: string };

/** A kept file's record (CachedFile.meta). */
interface FileMeta {
  identity: Identity;
  /** The questions resolving and normalising it asked of the set, with their answers (resolve.ts Lookups). */
  files: [fileName: string, name: string | null][];
  schemas: [name: string, has: boolean][];
  components: [key: string, has: boolean][];
  refersTo: string[];
  /**
   * How many refs it has. Each is in resolve's form to a whole schema (a file with a deep one is not kept), so
   * the pointers json-schema-ref-parser checks are those to its refersTo.
   */
  siteCount: number;
  /** What direction.ts learnt of its normalised body, so far. */
  facts?: FileFacts;
  /** A schema's: whether its resolved body has no `$ref` of its own (resolve.ts ResolveHooks.verified). */
  refless?: boolean;
  /** A schema's: direction.ts ownHash() of its normalised body. */
  own?: string;
  /**
   * namesHash() of the set in which its answers were last found to hold: in a set with the same names, they
   * hold without asking each again (they are answers about those names alone).
   */
  names?: string;
}

interface Kept {
  meta: FileMeta;
  text: CachedFile;
}

/**
 * The set, reusing what the cache kept of each file when `reuse` (else making it all, the same way as without
 * the cache), and keeping what this run made and used.
 */
async function prepareWithCache(
  dir: string,
  files: readonly SchemaFile[],
  cache: PrepareCache,
  reuse: boolean,
): Promise<PreparedSet> {
  const keys = new Map(files.map((file) => [file.fileName, fileKey(file)]));
  const source = new Map(files.map((file) => [file.fileName, file]));
  /** By file name: the kept results this run reuses. */
  const kept = new Map<string, Kept>();
  let set: SchemaSet;
  if (reuse) {
    const candidates = files.map((file) => readKept(cache, keys.get(file.fileName)!));
    // Files without a kept result are parsed now; the set's names come from both.
    const fresh = files.map((file, i) =>
      candidates[i] === undefined ? loadFile(file) : undefined,
    );
    const names = setNames(
      files.map((file, i) => [
        file.fileName,
        candidates[i]?.meta.identity ?? identityOf(fresh[i]!),
      ]),
    );
    const before = namesHash(names);
    candidates.forEach((candidate, i) => {
      if (candidate === undefined) return;
      if (candidate.meta.names === before || answersHold(candidate.meta, names))
        kept.set(files[i]!.fileName, candidate);
      else fresh[i] = loadFile(files[i]!);
    });
    // A kept file enters the set with its resolved body, which resolve then takes as it is.
    set = indexLoadedFiles(dir, files, (file, i) => fresh[i] ?? keptAsLoaded(candidates[i]!, file));
  } else set = parseSchemaFiles(dir, files);
  const namesKey = namesHash(setNames([...identities(set)]));

  const made = new Map<
    string,
    {
      item: CanonicalItem;
      resolved: JsonObject;
      normalized?: JsonObject;
      asked?: ReadonlyMap<string, boolean>;
    }
  >();
  const { resolveSchemaSet, isDeep } = await import("./resolve.js");
  // The refless schemas that json-schema-ref-parser found by their pointer in this working folder, so far.
  const stampKey = hashOf("resolved-pointers", process.cwd());
  const stamped = new Set<string>(reuse ? readNames(cache.getPart(stampKey)) : []);
  const stampedBefore = stamped.size;
  const fileOfSchema = new Map(set.schemas.map((s) => [s.name, s.fileName]));
  /** The schema of the set a pointer of resolve's form names whole (refs.ts componentRef()). */
  const pointed = new Map(set.schemas.map((s) => [componentRef(s.name), s.name]));
  const schemaOf = (pointer: string) => pointed.get(pointer);
  /** Whether a schema's resolved body (kept, or made now) has no `$ref` of its own. */
  const refless = (name: string): boolean => {
    const fileName = fileOfSchema.get(name);
    if (fileName === undefined) return false;
    const k = kept.get(fileName);
    if (k !== undefined) return k.meta.refless === true;
    const body = made.get(fileName)?.resolved;
    return body !== undefined && !Object.hasOwn(body, "$ref");
  };
  const resolved = await resolveSchemaSet(set, {
    done: (fileName) => {
      const k = kept.get(fileName);
      if (k === undefined) return undefined;
      const { path } = source.get(fileName)!;
      return {
        refersTo: k.meta.refersTo,
        // A failing check of a kept ref starts the run again without the cache, which reports it properly.
        sites: k.meta.refersTo.map((name): RefSite => {
          const canonical = componentRef(name);
          return { file: path, path: [], original: canonical, canonical };
        }),
        siteCount: k.meta.siteCount,
      };
    },
    made: (fileName, item, body) => void made.set(fileName, { item, resolved: body }),
    verified: (pointer) => {
      const name = schemaOf(pointer);
      return name !== undefined && stamped.has(name) && refless(name);
    },
    checked: (pointer) => {
      const name = schemaOf(pointer);
      if (name !== undefined && refless(name)) stamped.add(name);
    },
  });
  const facts: DirectionFacts = new Map();
  for (const [fileName, k] of kept) if (k.meta.facts) facts.set(fileName, { ...k.meta.facts });
  const { normalizeSchemaSet } = await import("./normalize.js");
  const normalized = normalizeSchemaSet(resolved, {
    facts,
    directed: {
      get: (key) => (reuse ? cache.getPart(key) : undefined),
      put: (key, text) => cache.putPart(key, text),
    },
    done: (from) => {
      const k = kept.get(from.fileName);
      if (k === undefined) return undefined;
      const item = keptItem(k, source.get(from.fileName)!, () => k.text.normalized);
      if (k.meta.own !== undefined) knownOwnHash(item as ResolvedSchema, k.meta.own);
      return item as unknown as typeof from;
    },
    made: (fileName, body, asked) => {
      const entry = made.get(fileName);
      if (entry !== undefined) Object.assign(entry, { normalized: body, asked });
    },
  });

  // Keep what this run reused, and what it made (the cache keeps only what a run touched).
  for (const [fileName, identity] of identities(resolved)) {
    const key = keys.get(fileName)!;
    const k = kept.get(fileName);
    if (k !== undefined) {
      // Kept again, with what direction.ts learnt of it this time.
      const learnt = facts.get(fileName);
      cache.putFile(
        key,
        sameFacts(k.meta.facts, learnt) && k.meta.names === namesKey
          ? k.text
          : {
              meta: JSON.stringify({ ...k.meta, facts: learnt, names: namesKey }),
              resolved: k.text.resolved,
              normalized: k.text.normalized,
            },
      );
      continue;
    }
    const entry = made.get(fileName);
    if (entry?.normalized === undefined || !keepable(source.get(fileName)!, entry.item, isDeep))
      continue;
    const { lookups, refersTo, sites } = entry.item;
    const schemas = new Map(lookups.schemas);
    for (const [name, has] of entry.asked!) schemas.set(name, has);
    const meta: FileMeta = {
      identity,
      files: [...lookups.files].map(([f, name]) => [f, name ?? null]),
      schemas: [...schemas],
      components: [...lookups.components],
      refersTo,
      siteCount: sites.length,
      facts: facts.get(fileName),
      names: namesKey,
    };
    if (identity.kind === "schema") {
      meta.refless = !Object.hasOwn(entry.resolved, "$ref");
      meta.own = hashOf("schema", identity.name, writeJson(entry.normalized));
    }
    cache.putFile(key, {
      meta: JSON.stringify(meta),
      resolved: JSON.stringify(entry.resolved),
      normalized: writeJson(entry.normalized),
    });
  }
  if (stamped.size > stampedBefore)
    cache.putPart(stampKey, JSON.stringify([...stamped].sort(byCodeUnit)));
  return { resolved, normalized };
}

/** A list of names as a part keeps it, or none when it is missing or damaged. */
function readNames(text: string | undefined): string[] {
  try {
    const names: unknown = text === undefined ? [] : JSON.parse(text);
    return Array.isArray(names) && names.every((n) => typeof n === "string") ? names : [];
  } catch {
    return [];
  }
}

/** What each file of the set declares, by file name. */
function identities(
  set: Pick<SchemaSet, "schemas" | "operations" | "components">,
): Map<string, Identity> {
  const result = new Map<string, Identity>();
  for (const s of set.schemas) result.set(s.fileName, { kind: "schema", name: s.name });
  for (const { fileName, operationId, route, method } of set.operations)
    result.set(fileName, { kind: "operation", operationId, route, method });
  for (const c of set.components)
    result.set(c.fileName, { kind: "component", section: c.kind, name: c.name });
  return result;
}

function readKept(cache: PrepareCache, key: string): Kept | undefined {
  const text = cache.getFile(key);
  if (text === undefined) return undefined;
  try {
    return { meta: JSON.parse(text.meta) as FileMeta, text };
  } catch {
    return undefined;
  }
}

function identityOf(loaded: LoadedFile): Identity {
  if (loaded.kind === "schema") return { kind: "schema", name: loaded.schema.name };
  if (loaded.kind === "operation") {
    const { operationId, route, method } = loaded.operation;
    return { kind: "operation", operationId, route, method };
  }
  return { kind: "component", section: loaded.component.kind, name: loaded.component.name };
}

/**
 * A kept file as load.ts would have it, but resolved already (resolve takes it as it is): with its refs, and its
 * body parsed only when first read (json.ts lazyJson(); until then jsonTextAt() hands the text out unparsed).
 */
function keptAsLoaded(kept: Kept, file: SchemaFile): LoadedFile {
  const item = keptItem(kept, file, () => kept.text.resolved);
  if (kept.meta.identity.kind === "schema") return { kind: "schema", schema: item as LoadedSchema };
  if (kept.meta.identity.kind === "operation")
    return { kind: "operation", operation: item as LoadedOperation };
  return { kind: "component", component: item as LoadedComponent };
}

type Item = ResolvedSchema | ResolvedOperation | ResolvedComponent;

/** A kept file's item, in the shape (and key order) resolve gives it, with its body from `text()` when read. */
function keptItem(kept: Kept, file: SchemaFile, text: () => string): Item {
  const { identity, refersTo } = kept.meta;
  const { fileName, path } = file;
  // The body's key holds a placeholder where resolve puts the body, so that lazyJson() keeps the key order.
  const unread = undefined as unknown as JsonObject;
  let item: Item;
  let key: string;
  if (identity.kind === "schema") {
    item = { name: identity.name, fileName, path, schema: unread, refersTo };
    key = "schema";
  } else if (identity.kind === "operation") {
    const { operationId, route, method } = identity;
    item = { operationId, route, method, fileName, path, operation: unread, refersTo };
    key = "operation";
  } else {
    item = { kind: identity.section, name: identity.name, fileName, path, body: unread, refersTo };
    key = "body";
  }
  lazyJson(item, key, text);
  return item;
}

/** The names of the set the files declare, as resolve.ts setNamesOf() reads them off the indexed set. */
function setNames(declared: readonly [fileName: string, identity: Identity][]): SetNames {
  const nameByFile = new Map<string, string>();
  const names = new Set<string>();
  const componentNames = new Set<string>();
  for (const [fileName, identity] of declared) {
    if (identity.kind === "schema") {
      nameByFile.set(fileName, identity.name);
      names.add(identity.name);
    } else if (identity.kind === "component")
      componentNames.add(`${identity.section}/${identity.name}`);
  }
  return { nameByFile, names, componentNames };
}

/** A hash of everything SetNames answers from: which name each schema file declares, and the components. */
function namesHash(names: SetNames): string {
  // As JSON: a name may hold any character, NUL too.
  const files = [...names.nameByFile].sort(([a], [b]) => byCodeUnit(a, b));
  const components = [...names.componentNames].sort(byCodeUnit);
  return hashOf("names", JSON.stringify([files, components]));
}

/** Whether every question a kept file asked of the set has the answer it had. */
function answersHold(meta: FileMeta, names: SetNames): boolean {
  return (
    meta.files.every(([fileName, name]) => (names.nameByFile.get(fileName) ?? null) === name) &&
    meta.schemas.every(([name, has]) => names.names.has(name) === has) &&
    meta.components.every(([key, has]) => names.componentNames.has(key) === has)
  );
}

/**
 * Whether a file's result can be kept: no ref of it goes deep into another schema (its body then holds a copy
 * of that schema's part, which this file's key does not cover), and its numbers survive JSON text unchanged.
 */
function keepable(
  file: SchemaFile,
  item: CanonicalItem,
  isDeep: (ref: string) => boolean,
): boolean {
  return !item.sites.some((site) => isDeep(site.canonical)) && !LOSSY_NUMBER.test(file.text);
}

/**
 * A number that JSON.stringify would not give back as it is: -0 (written "-0", "-0.0", "-0e5", ...) comes back
 * as 0, and one past the range of a double (or below it, as -1e-400 is -0) as null or 0. A number of a JSON text
 * follows ":", "," or "[" (and white space); the tests below look there and so may also match inside a string,
 * which only means the file is not kept.
 */
const LOSSY_NUMBER =
  /[:,[]\s*-0(?:\.0+)?(?:[eE][+-]?\d+)?\s*[,\]}]|[:,[]\s*-?\d+(?:\.\d+)?[eE][+-]?\d{3}|\d{300}/;

/** Whether a run learnt nothing new: direction.ts only adds facts, each once (`learnt` began as `kept`). */
function sameFacts(kept: FileFacts | undefined, learnt: FileFacts | undefined): boolean {
  const has = (facts: FileFacts | undefined) => [
    facts?.properties !== undefined,
    facts?.top !== undefined,
    facts?.roots?.request !== undefined,
    facts?.roots?.response !== undefined,
  ];
  const [before, after] = [has(kept), has(learnt)];
  return before.every((value, i) => value === after[i]);
}
