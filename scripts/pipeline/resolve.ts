/**
 * Stage 2, resolve: every `$ref` is checked against the set and rewritten to the one form the emitter
 * knows, `#/components/schemas/<Name>[/more]`. Then json-schema-ref-parser resolves each one inside the
 * combined document, with every external resolver off: nothing is read from disk or the network.
 */
import type { $Refs } from "@apidevtools/json-schema-ref-parser";
import { SchemaError, place } from "./errors.js";
import {
  byCodeUnit,
  fromEntries,
  isObject,
  isPending,
  setOwn,
  type Json,
  type JsonObject,
} from "./json.js";
import type { LoadedComponent, LoadedOperation, LoadedSchema, SchemaSet } from "./load.js";
import { mapComponent, mapOperation, type ObjectVisitor } from "./openapi-objects.js";
import { classifyRef, COMPONENTS_PREFIX, componentRef, refError } from "./refs.js";
import { mapSchema, type Path } from "./walk.js";

export interface ResolvedSchema extends LoadedSchema {
  /** Names this schema refers to directly, sorted. */
  refersTo: string[];
}

export interface ResolvedOperation extends LoadedOperation {
  /** Schemas its own schemas refer to directly, sorted. */
  refersTo: string[];
}

export interface ResolvedComponent extends LoadedComponent {
  /** Schemas its own schemas refer to directly, sorted. */
  refersTo: string[];
}

export interface ResolvedSet extends Omit<SchemaSet, "schemas" | "operations" | "components"> {
  schemas: ResolvedSchema[];
  operations: ResolvedOperation[];
  components: ResolvedComponent[];
  refCount: number;
}

export interface RefSite {
  file: string;
  path: Path;
  original: string;
  canonical: string;
}

/** What the refs of one item are checked against: the rest of the set, by name. */
export interface SetNames {
  /** Each schema file's name → the schema it declares. */
  nameByFile: ReadonlyMap<string, string>;
  names: ReadonlySet<string>;
  /** `<kind>/<name>` of each component. */
  componentNames: ReadonlySet<string>;
}

export function setNamesOf(set: Pick<SchemaSet, "schemas" | "components">): SetNames {
  return {
    nameByFile: new Map(set.schemas.map((s) => [s.fileName, s.name])),
    names: new Set(set.schemas.map((s) => s.name)),
    componentNames: new Set(set.components.map((c) => `${c.kind}/${c.name}`)),
  };
}

/**
 * What resolving and normalising one item asked of the rest of the set (SetNames), with each answer. Nothing
 * else outside its own file shapes an item's result (except what deep refs copy in, see resolveSchemaSet), so
 * an earlier run's result for the same file text stands while every answer here is still the same.
 */
export class Lookups {
  readonly files = new Map<string, string | undefined>();
  readonly schemas = new Map<string, boolean>();
  readonly components = new Map<string, boolean>();
  constructor(private readonly set: SetNames) {}
  nameOfFile(fileName: string): string | undefined {
    const name = this.set.nameByFile.get(fileName);
    this.files.set(fileName, name);
    return name;
  }
  hasSchema(name: string): boolean {
    const has = this.set.names.has(name);
    this.schemas.set(name, has);
    return has;
  }
  hasComponent(key: string): boolean {
    const has = this.set.componentNames.has(key);
    this.components.set(key, has);
    return has;
  }
}

/** One item (schema, operation or component) with its refs checked and rewritten; the set is not yet. */
export interface CanonicalItem {
  refersTo: string[];
  /** Its refs, in the order of its walk. */
  sites: RefSite[];
  lookups: Lookups;
}

/**
 * Lets a caller skip the per-item part of resolving (prepare.ts, from the cache): `done` says that an item, as
 * given, is already resolved, with these refs as its `refersTo` and these sites (each distinct pointer at least
 * once; `siteCount` refs in all). It is then passed on as it is, its body unread (it may be pending, json.ts
 * pendingText()). `made` is told each item resolved here. The
 * set-wide part, json-schema-ref-parser's check of every ref and the copying of deep refs, always runs, but
 * for the pointers that `verified` vouches for (see there); `checked` is told each pointer it looked up.
 */
export interface ResolveHooks {
  done?(fileName: string): { refersTo: string[]; sites: RefSite[]; siteCount?: number } | undefined;
  made?(fileName: string, item: CanonicalItem, body: JsonObject): void;
  /**
   * Whether json-schema-ref-parser's lookup of `pointer` is known to succeed without asking it. Its get() of
   * `#/components/schemas/<N>` reads the document only along the pointer (pointer.js, Pointer.resolve): the
   * root and `components`, which are built here the same every time; of the `schemas` object, key N and, to
   * see whether the object is itself a reference, key "$ref" (a schema named "$ref" is an object, never the
   * string a reference has); and of N's body only `$ref` (ref.js is$Ref, and the final-reference step),
   * following it when it is a string. For a body without `$ref` the answer therefore depends on nothing but N,
   * the working folder (the document's base URL comes from it) and the package's code (the cache is stamped
   * with the lockfile): a caller that saw the lookup succeed for N in this folder, and sees N's body still
   * without `$ref`, has the answer (prepare.ts). Every other pointer, a deep one included, is looked up.
   */
  verified?(pointer: string): boolean;
  checked?(pointer: string): void;
}

type NodeVisit = (node: JsonObject, path: Path) => JsonObject;

export async function resolveSchemaSet(
  set: SchemaSet,
  hooks: ResolveHooks = {},
): Promise<ResolvedSet> {
  const setNames = setNamesOf(set);
  const sites: RefSite[] = [];
  /** Refs of items taken as done, beyond the sites they gave (one per pointer, for the check). */
  let uncounted = 0;
  /** Checks and rewrites the `$ref` of each schema node; `self` is the schema a `#` ref means, if any. */
  const canonicalize =
    (file: string, self: string | undefined, item: CanonicalItem, refersTo: Set<string>) =>
    (node: JsonObject, path: Path): JsonObject => {
      const ref = node["$ref"];
      if (typeof ref !== "string") return node;
      const { canonical, target } = canonicalRef(ref, file, self, item.lookups, path);
      refersTo.add(target);
      item.sites.push({ file, path, original: ref, canonical });
      if (canonical === ref) return node;
      const copy = fromEntries(Object.entries(node));
      setOwn(copy, "$ref", canonical);
      return copy;
    };
  /**
   * Resolves one item with `walk` (its body through `canonicalize`), or takes it as the hooks say it is done;
   * its sites join the set's in item order either way.
   */
  const resolveItem = <T extends { fileName: string; path: string }, K extends keyof T & string>(
    loaded: T,
    key: K,
    walk: (visit: (self: string | undefined) => NodeVisit, item: CanonicalItem) => JsonObject,
  ): T & { refersTo: string[] } => {
    const done = hooks.done?.(loaded.fileName);
    if (done !== undefined) {
      sites.push(...done.sites);
      uncounted += (done.siteCount ?? done.sites.length) - done.sites.length;
      // As given, its body unread (it may be pending, json.ts pendingText()), and its refs with it.
      if ((loaded as { refersTo?: unknown }).refersTo !== done.refersTo)
        throw new Error(`resolve: ${loaded.fileName} is not given resolved`);
      return loaded as T & { refersTo: string[] };
    }
    const item: CanonicalItem = { refersTo: [], sites: [], lookups: new Lookups(setNames) };
    const refersTo = new Set<string>();
    const resolved = walk((self) => canonicalize(loaded.path, self, item, refersTo), item);
    item.refersTo = [...refersTo].sort(byCodeUnit);
    sites.push(...item.sites);
    hooks.made?.(loaded.fileName, item, resolved);
    return { ...loaded, [key]: resolved, refersTo: item.refersTo };
  };
  const schemas = set.schemas.map((loaded): ResolvedSchema =>
    resolveItem(
      loaded,
      "schema",
      (visit) => mapSchema(loaded.path, loaded.schema, visit(loaded.name)) as JsonObject,
    ),
  );
  /** The visitor for an operation's or a component's objects: schemas as above, component refs checked. */
  const objectVisitor = (
    file: string,
    visit: (self: string | undefined) => NodeVisit,
    item: CanonicalItem,
  ): ObjectVisitor => ({
    schema: (schema, path) => mapSchema(file, schema, visit(undefined), path),
    ref: (ref, kind, path) => {
      const prefix = `#/components/${kind}/`;
      const name = ref.startsWith(prefix) ? ref.slice(prefix.length) : undefined;
      if (name === undefined || name === "" || name.includes("/"))
        throw refError(file, path, ref, `should point at a component: "${prefix}<Name>"`);
      if (!item.lookups.hasComponent(`${kind}/${name}`))
        throw refError(
          file,
          path,
          ref,
          `points at the ${kind} component "${name}", which no file in the set declares`,
        );
      return ref;
    },
  });
  const operations = set.operations.map((loaded): ResolvedOperation =>
    resolveItem(loaded, "operation", (visit, item) =>
      mapOperation(loaded.path, loaded.operation, objectVisitor(loaded.path, visit, item)),
    ),
  );
  const components = set.components.map((loaded): ResolvedComponent =>
    resolveItem(loaded, "body", (visit, item) =>
      mapComponent(loaded.path, loaded.kind, loaded.body, objectVisitor(loaded.path, visit, item)),
    ),
  );

  /** json-schema-ref-parser's view of the set, made when a pointer is first looked up. */
  let refs: $Refs | undefined;
  const lookUp = async (): Promise<$Refs> => {
    // The combined document: the set as an OpenAPI 3.0 components object. A body not read yet stays so
    // until a lookup reads it.
    const bodies: JsonObject = {};
    for (const s of schemas) {
      if (isPending(s, "schema"))
        Object.defineProperty(bodies, s.name, {
          get: () => s.schema,
          enumerable: true,
          configurable: true,
        });
      else setOwn(bodies, s.name, s.schema);
    }
    const document = { components: { schemas: bodies } };
    const { $RefParser } = await import("@apidevtools/json-schema-ref-parser"); // loaded only when there is work
    const parser = new $RefParser();
    return (await withoutLazyHeaders(() =>
      parser.resolve(
        document as never,
        {
          resolve: { external: false, file: false, http: false },
          continueOnError: false,
        } as never,
      ),
    )) as unknown as $Refs;
  };
  // Many sites share a target; each distinct pointer is looked up once.
  const checked = new Set<string>();
  for (const site of sites) {
    if (checked.has(site.canonical)) continue;
    if (hooks.verified?.(site.canonical)) {
      checked.add(site.canonical);
      continue;
    }
    refs ??= await lookUp();
    try {
      if (refs.get(site.canonical) === undefined) throw new Error("resolves to nothing");
      checked.add(site.canonical);
      hooks.checked?.(site.canonical);
    } catch (error) {
      throw new SchemaError(
        site.file,
        place([...site.path, "$ref"]),
        `$ref "${site.original}" points at nothing in the schema set (${oneLine(error)})`,
      );
    }
  }
  // Only files that hold a ref into another schema are walked again.
  const deepIn = new Set(sites.filter((site) => isDeep(site.canonical)).map((site) => site.file));
  if (deepIn.size > 0) refs ??= await lookUp();
  const inline = (file: string) => (schema: Json, path: Path) =>
    inlineDeepRefs(file, schema, path, refs!);
  const inlineObjects = (file: string): ObjectVisitor => ({
    schema: inline(file),
    ref: (ref) => ref,
  });
  return {
    dir: set.dir,
    digest: set.digest,
    schemas: schemas.map((s) =>
      deepIn.has(s.path) ? { ...s, schema: inline(s.path)(s.schema, []) as JsonObject } : s,
    ),
    operations: operations.map((o) =>
      deepIn.has(o.path)
        ? { ...o, operation: mapOperation(o.path, o.operation, inlineObjects(o.path)) }
        : o,
    ),
    components: components.map((c) =>
      deepIn.has(c.path)
        ? { ...c, body: mapComponent(c.path, c.kind, c.body, inlineObjects(c.path)) }
        : c,
    ),
    refCount: sites.length + uncounted,
  };
}

/**
 * A `$ref` into a schema (`#/components/schemas/A/properties/b`) points at an anonymous subschema. openapi-typescript
 * would type it as `components["schemas"]["A"]["b"]`, which carries `| undefined` when `b` is optional, so a required
 * key could hold undefined. The subschema is copied in its place instead, and so are refs into schemas inside the
 * copy, at any depth; refs to whole schemas stay refs, so named schemas are never inlined. Siblings of the `$ref`
 * (nullable, description) stay beside the copy. A ref that must be copied into itself can have no finite type.
 */
function inlineDeepRefs(file: string, root: Json, rootPath: Path, refs: $Refs): Json {
  const inline = (schema: Json, at: Path, copying: readonly string[]): Json =>
    mapSchema(
      file,
      schema,
      (node, path) => {
        const ref = node["$ref"];
        if (!isDeep(ref)) return node;
        const where = place([...at, ...path, "$ref"]);
        if (copying.includes(ref as string)) {
          throw new SchemaError(
            file,
            where,
            `$ref "${ref}" points into a schema at a subschema that refers back to itself (${[...copying, ref].join(" → ")}); give that subschema a name of its own`,
          );
        }
        const target = refs.get(ref as string) as Json;
        if (!isSchemaPlace(ref as string) || (!isObject(target) && typeof target !== "boolean")) {
          throw new SchemaError(
            file,
            where,
            `$ref "${ref}" points into a schema at something that is not a schema`,
          );
        }
        const copy = inline(target, [...at, ...path], [...copying, ref as string]);
        if (!isObject(copy)) return copy === true ? siblings(node) : node;
        return fromEntries([...Object.entries(copy), ...Object.entries(siblings(node))]);
      },
      [],
    );
  return inline(root, rootPath, []);
}

function siblings(node: JsonObject): JsonObject {
  return fromEntries(Object.entries(node).filter(([key]) => key !== "$ref"));
}

/** Keywords whose value is a schema, and those whose value is a list or map of schemas (OpenAPI 3.0's). */
const SCHEMA_KEYWORDS = new Set(["items", "additionalProperties", "not"]);
const SCHEMA_CONTAINERS = new Set(["properties", "allOf", "anyOf", "oneOf"]);

/** Whether a deep ref's path below the schema name walks schema keywords only, so it ends at a subschema. */
function isSchemaPlace(ref: string): boolean {
  const tokens = ref.slice(COMPONENTS_PREFIX.length).split("/").slice(1);
  for (let i = 0; i < tokens.length; i++) {
    if (SCHEMA_KEYWORDS.has(tokens[i]!)) continue;
    if (SCHEMA_CONTAINERS.has(tokens[i]!) && i + 1 < tokens.length) {
      i++;
      continue;
    }
    return false;
  }
  return true;
}

/** A ref into a schema rather than to a whole one. */
export function isDeep(ref: unknown): boolean {
  return typeof ref === "string" && ref.indexOf("/", COMPONENTS_PREFIX.length) !== -1;
}

/** Maps one `$ref` onto `#/components/schemas/<Name>...`, refusing a target the set does not have. */
function canonicalRef(
  ref: string,
  file: string,
  self: string | undefined,
  lookups: Lookups,
  path: Path,
) {
  const target = classifyRef(ref, file, path);
  let name: string;
  if (target.kind === "file") {
    const declared = lookups.nameOfFile(target.fileName);
    if (declared === undefined)
      throw refError(file, path, ref, "names a file that is not in the schema set");
    name = declared;
  } else if (target.kind === "schema") {
    if (!lookups.hasSchema(target.name))
      throw refError(
        file,
        path,
        ref,
        `points at "${target.name}", which no file in the schema set declares`,
      );
    name = target.name;
  } else {
    if (self === undefined)
      throw refError(
        file,
        path,
        ref,
        `points into this file, which is not a schema: a schema here refers to "${COMPONENTS_PREFIX}<Name>"`,
      );
    name = self;
  }
  return { canonical: componentRef(name, target.rest), target: name };
}

/**
 * Runs `start` (which begins json-schema-ref-parser's resolve) with Node's lazy `Headers` global hidden.
 * json-schema-ref-parser merges its options with a test, `typeof Headers !== "undefined" && val instanceof
 * Headers` (options.js, isMergeable), whose mere read of the global makes Node load its fetch implementation
 * (undici, ~30-60 ms), on a path that never uses the network. Hidden, the test reads "undefined" and the
 * instanceof is skipped: the same answer, since options built here are plain objects and never a Headers. The
 * options are merged synchronously when resolve starts (normalizeArgs, in resolve and in the parse it calls),
 * and nothing else in that package reads the global except its http resolver, which is off, so the global is
 * put back before the first await. Where `Headers` is not such a lazy getter (another Node), nothing is hidden.
 */
function withoutLazyHeaders<T>(start: () => T): T {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "Headers");
  if (descriptor?.get === undefined || !descriptor.configurable) return start();
  Object.defineProperty(globalThis, "Headers", {
    value: undefined,
    configurable: true,
    writable: true,
  });
  try {
    return start();
  } finally {
    Object.defineProperty(globalThis, "Headers", descriptor);
  }
}

function oneLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0]!;
}
