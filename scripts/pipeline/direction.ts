/**
 * Normalise, part two: each schema as the direction it is used in sees it (OpenAPI 3.0.3, §4.7.24 Schema Object,
 * readOnly and writeOnly). A readOnly property "SHOULD NOT be sent as part of the request"; a writeOnly one is never
 * returned; `required` on either applies to its own direction only.
 * - in a request, a readOnly property is `key?: never`: no value may be sent for it, not even through a spread;
 *   a property is readOnly when it says so or names a schema that does (through schemas that only name another);
 * - in a response, a writeOnly property is not declared at all (or `key?: never` where additionalProperties would
 *   otherwise admit it through the index signature);
 * - `required` drops those keys in that direction, also beside allOf/anyOf/oneOf.
 * `components["schemas"]` keeps every schema as written. A schema whose type differs in a direction (it hides keys
 * there, or refers to a schema that does, at any depth) gets a variant for that direction, in `requestSchemas` or
 * `responseSchemas`, and the schemas of operations refer to the variants. Only variants that some operation
 * reaches are made, so a set without operations gets none. Pure.
 */
import { hashOf } from "./cache.js";
import {
  byCodeUnit,
  fromEntries,
  isObject,
  jsonTextAt,
  lazyJson,
  writeJson,
  type Json,
  type JsonObject,
} from "./json.js";
import {
  mapComponent,
  mapOperation,
  type Direction,
  type ObjectVisitor,
} from "./openapi-objects.js";
import { componentRefTokens } from "./refs.js";
import type { ResolvedComponent, ResolvedOperation, ResolvedSchema } from "./resolve.js";
import { forEachSchemaNode, mapSchema } from "./walk.js";

/** Where each direction's variants live in the output, and the `$ref` prefix that points there. */
export const DIRECTED = {
  request: { container: "requestSchemas", refPrefix: "#/requestSchemas/", hidden: "readOnly" },
  response: { container: "responseSchemas", refPrefix: "#/responseSchemas/", hidden: "writeOnly" },
} as const;

export const DIRECTIONS: readonly Direction[] = ["request", "response"];

/** Annotations a hidden key keeps in a request, for its hover text. */
const KEPT_ON_HIDDEN = ["description", "summary", "deprecated", "title"];

export interface DirectedSet {
  operations: ResolvedOperation[];
  components: ResolvedComponent[];
  /** Per direction, the variants (sorted by name), each referring to the other variants of its direction. */
  variants: Record<Direction, ResolvedSchema[]>;
}

/**
 * What the walks below learn of one item's own body, by its file name: for a schema, what its properties say
 * (PropertyFacts); for an operation or component, the schemas it refers to directly in each direction. Each is
 * a function of that body alone, found by the same walk (with the same checks) that the direction's step would
 * make. A caller that passes the facts of an earlier run (prepare.ts, for files whose normalised body the cache
 * kept) saves those walks; the facts found here are added for it to keep.
 */
export type DirectionFacts = Map<string, FileFacts>;

export interface FileFacts {
  properties?: PropertyFacts;
  top?: TopFacts;
  roots?: Partial<Record<Direction, string[]>>;
}

/** What isHidden() reads of a schema's body when a chain of names passes through it: its top node. */
export interface TopFacts {
  readOnly: boolean;
  writeOnly: boolean;
  /** linkTarget() of the body, or null. */
  target: string | null;
}

/** Of every property at any depth of a schema's body (each value of a `properties`) that is an object. */
export interface PropertyFacts {
  /** Whether one says readOnly: true. */
  readOnly: boolean;
  /** Whether one says writeOnly: true. */
  writeOnly: boolean;
  /** The schemas they name (linkTarget()), sorted. */
  targets: string[];
}

export function directSchemas(
  schemas: readonly ResolvedSchema[],
  operations: readonly ResolvedOperation[],
  components: readonly ResolvedComponent[],
  facts: DirectionFacts = new Map(),
  store?: DirectedStore,
): DirectedSet {
  const byName = new Map(schemas.map((s) => [s.name, s]));
  const variants = {} as Record<Direction, ResolvedSchema[]>;
  const differs = {} as Record<Direction, ReadonlySet<string>>;
  const factsOf = (fileName: string) =>
    facts.get(fileName) ?? facts.set(fileName, {}).get(fileName)!;
  const topOf = (name: string): TopFacts | undefined => {
    const schema = byName.get(name);
    if (schema === undefined) return undefined;
    const known = factsOf(schema.fileName);
    return (known.top ??= topFacts(schema.schema));
  };
  const contexts = {} as Record<Direction, Context>;
  let closures: Map<string, string> | undefined;
  /**
   * `item` with its body at `key` as `make` directs it, or as an earlier run did: what directing an item reads
   * is its own body, and of the schemas it refers to (at any depth, through refersTo), their bodies and whether
   * each has a variant, which is a function of the bodies it reaches in turn (each is reached from a root of
   * the direction, as the item is or, for a variant, as the item is reached). So the key is the item's kind and
   * body, and the name and body of every schema it reaches; with the key, the body as it was directed then.
   */
  const directed = <T extends object>(
    item: T,
    key: keyof T & string,
    kind: string,
    refersTo: readonly string[],
    make: () => JsonObject,
  ): T => {
    if (store === undefined) return replaced(item, key, make());
    closures ??= closureHashes(byName);
    const reached = new Set<string>();
    for (const name of refersTo) {
      const closure = closures.get(name);
      if (closure !== undefined) reached.add(closure);
    }
    const storeKey = hashOf(
      "directed",
      kind,
      jsonTextAt(item, key),
      ...[...reached].sort(byCodeUnit),
    );
    const kept = store.get(storeKey);
    if (kept !== undefined) return replaced(item, key, () => kept);
    const body = make();
    store.put(storeKey, writeJson(body));
    return replaced(item, key, body);
  };
  for (const direction of DIRECTIONS) {
    const roots = new Set<string>();
    /** The schemas that an operation's or component's schemas, read in this direction, refer to directly. */
    const rootsOf = (
      item: { fileName: string; path: string },
      walk: (visit: ObjectVisitor) => void,
    ) => {
      const known = factsOf(item.fileName);
      const kept = known.roots?.[direction];
      if (kept !== undefined) return kept;
      const names: string[] = [];
      walk({
        schema: (schema, _path, d) => {
          if (d === direction) names.push(...refNames(item.path, schema));
          return schema;
        },
        ref: (ref) => ref,
      });
      known.roots = { ...known.roots, [direction]: names };
      return names;
    };
    for (const o of operations)
      for (const name of rootsOf(o, (visit) => mapOperation(o.path, o.operation, visit)))
        roots.add(name);
    for (const c of components)
      for (const name of rootsOf(c, (visit) => mapComponent(c.path, c.kind, c.body, visit)))
        roots.add(name);
    const reach = reachable(byName, roots);
    const context: Context = (contexts[direction] = {
      direction,
      byName,
      differs: new Set(),
      chains: new Map(),
      topOf,
    });
    const own = [...reach].filter((name) => {
      const schema = byName.get(name)!;
      const known = factsOf(schema.fileName);
      known.properties ??= propertyFacts(schema);
      return hidesKeys(known.properties, context);
    });
    differs[direction] = context.differs = dependents(byName, reach, own);
    variants[direction] = [...context.differs]
      .sort(byCodeUnit)
      .map((name) => byName.get(name)!)
      .map((s) =>
        directed(
          s,
          "schema",
          `variant/${direction}`,
          s.refersTo,
          () => directSchema(s.path, s.schema, context) as JsonObject,
        ),
      );
  }
  const visitDirected = (file: string) => ({
    schema: (schema: Json, path: readonly (string | number)[], direction: Direction) =>
      directSchema(file, schema, contexts[direction], path),
    ref: (ref: string) => ref,
  });
  return {
    operations: operations.map((o) =>
      directed(o, "operation", "operation", o.refersTo, () =>
        mapOperation(o.path, o.operation, visitDirected(o.path)),
      ),
    ),
    components: components.map((c) =>
      directed(c, "body", `component/${c.kind}`, c.refersTo, () =>
        mapComponent(c.path, c.kind, c.body, visitDirected(c.path)),
      ),
    ),
    variants,
  };
}

/**
 * Where bodies directed in earlier runs are kept (prepare.ts: generate's cache), by a key that covers everything
 * their making reads (directSchemas: `directed`).
 */
export interface DirectedStore {
  get(key: string): string | undefined;
  put(key: string, text: string): void;
}

const OWN_HASHES = new WeakMap<object, string>();

/** Tells ownHash() what it would find for `schema` (prepare.ts: kept with the body it hashes). */
export function knownOwnHash(schema: ResolvedSchema, hash: string): void {
  OWN_HASHES.set(schema, hash);
}

/** The hash of a normalised schema's name and body (its JSON text), once per schema. */
export function ownHash(schema: ResolvedSchema): string {
  let hash = OWN_HASHES.get(schema);
  if (hash === undefined) {
    hash = hashOf("schema", schema.name, jsonTextAt(schema, "schema"));
    OWN_HASHES.set(schema, hash);
  }
  return hash;
}

/**
 * For each schema, a hash of the name and body of every schema it reaches through refersTo (itself too): of the
 * strongly connected component it is in, its members' names, bodies (ownHash()) and refersTo, and the hashes of
 * the components it refers to, which Tarjan's algorithm gives first. Two schemas reach the same names and bodies
 * when their hashes are the same (up to sha256 collisions); one body changed anywhere below changes them.
 */
function closureHashes(byName: ReadonlyMap<string, ResolvedSchema>): Map<string, string> {
  // The schemas by number, and each one's targets (the names of the set it refers to) by number.
  const schemas = [...byName.values()];
  const index = new Map(schemas.map((s, i) => [s.name, i]));
  const edges = schemas.map((s) => {
    const out: number[] = [];
    for (const target of s.refersTo) {
      const i = index.get(target);
      if (i !== undefined) out.push(i);
    }
    return out;
  });
  const hashes: string[] = new Array(schemas.length);
  const order = new Int32Array(schemas.length).fill(-1);
  const low = new Int32Array(schemas.length);
  const onStack = new Uint8Array(schemas.length);
  const stack: number[] = [];
  let visited = 0;
  // Depth first without recursion: each frame is a schema and how many of its targets it has looked at.
  const frames: number[] = [];
  const nexts: number[] = [];
  const enter = (i: number) => {
    order[i] = low[i] = visited++;
    stack.push(i);
    onStack[i] = 1;
    frames.push(i);
    nexts.push(0);
  };
  for (let root = 0; root < schemas.length; root++) {
    if (order[root] !== -1) continue;
    enter(root);
    while (frames.length > 0) {
      const top = frames.length - 1;
      const i = frames[top]!;
      const out = edges[i]!;
      if (nexts[top]! < out.length) {
        const target = out[nexts[top]!++]!;
        if (order[target] === -1) enter(target);
        else if (onStack[target] === 1) low[i] = Math.min(low[i]!, order[target]!);
        continue;
      }
      frames.pop();
      nexts.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1]!;
        low[parent] = Math.min(low[parent]!, low[i]!);
      }
      if (low[i] !== order[i]) continue;
      // `i` roots a component: the stack down to it.
      const members: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack[member] = 0;
        members.push(member);
      } while (member !== i);
      const names = members.map((m) => schemas[m]!.name).sort(byCodeUnit);
      const inside = new Set(members);
      const below = new Set<string>();
      for (const m of members) for (const t of edges[m]!) if (!inside.has(t)) below.add(hashes[t]!);
      const parts = ["closure"];
      for (const name of names) {
        const schema = byName.get(name)!;
        parts.push(ownHash(schema), schema.refersTo.join("\0"));
      }
      parts.push("below", ...[...below].sort(byCodeUnit));
      const hash = hashOf(...parts);
      for (const m of members) hashes[m] = hash;
    }
  }
  return new Map(schemas.map((s, i) => [s.name, hashes[i]!]));
}

/**
 * A copy of `item` with `body` at `key`, in the same key order; the old body is not read (it may be pending:
 * json.ts pendingText()). A function is the new body's JSON text, parsed when read (json.ts lazyJson()).
 */
function replaced<T extends object>(item: T, key: string, body: JsonObject | (() => string)): T {
  const out = {} as Record<string, unknown>;
  for (const k of Object.keys(item)) {
    if (k !== key) out[k] = (item as Record<string, unknown>)[k];
    else if (typeof body === "function") lazyJson(out, key, body);
    else out[key] = body;
  }
  return out as T;
}

interface Context {
  direction: Direction;
  byName: ReadonlyMap<string, ResolvedSchema>;
  /** The schemas that get a variant in this direction. */
  differs: ReadonlySet<string>;
  /** hiddenThrough() of each schema asked so far, in this direction. */
  chains: Map<string, boolean>;
  /** topFacts() of a schema of the set, by name (undefined for a name the set does not have). */
  topOf: (name: string) => TopFacts | undefined;
}

/** The schema a whole-schema `$ref` names, in components or in a direction's variants. */
function refTarget(ref: Json | undefined): string | undefined {
  if (typeof ref !== "string") return undefined;
  for (const { refPrefix } of Object.values(DIRECTED)) {
    if (ref.startsWith(refPrefix)) return ref.slice(refPrefix.length);
  }
  const tokens = componentRefTokens(ref);
  return tokens?.length === 1 ? tokens[0] : undefined;
}

/**
 * Whether a property's schema is hidden in the direction: readOnly (writeOnly) on it, or on the schema it names,
 * through any chain of schemas that only name another (`A = { $ref: B }`); hiddenThrough() follows the chain.
 */
function isHidden(schema: Json, context: Context): boolean {
  if (!isObject(schema)) return false;
  if (schema[DIRECTED[context.direction].hidden] === true) return true;
  const target = linkTarget(schema);
  return target !== undefined && hiddenThrough(target, context);
}

/** The schema that a schema names, as isHidden() follows it: its `$ref`, or that of its one anyOf branch. */
function linkTarget(schema: JsonObject): string | undefined {
  const anyOf = schema["anyOf"];
  const ref =
    schema["$ref"] ??
    (Array.isArray(anyOf) && anyOf.length === 1 && isObject(anyOf[0])
      ? anyOf[0]["$ref"]
      : undefined);
  return refTarget(ref);
}

/** What a chain of names reads of a schema's body (its top node), for hiddenThrough(). */
function topFacts(body: JsonObject): TopFacts {
  return {
    readOnly: body["readOnly"] === true,
    writeOnly: body["writeOnly"] === true,
    target: linkTarget(body) ?? null,
  };
}

/**
 * Whether the schema `target` is hidden in the direction, as a property that names it without being flagged
 * itself sees it: the schema is flagged, or names one that is, and so on, up to a schema of the chain seen
 * before (a loop) or one the set does not have. Read off each schema's topFacts(), once per schema and
 * direction: the answer is the same for every property that names `target`.
 */
function hiddenThrough(target: string, context: Context): boolean {
  let hidden = context.chains.get(target);
  if (hidden === undefined) {
    const flag = DIRECTED[context.direction].hidden;
    const seen = new Set([target]);
    hidden = false;
    for (let top = context.topOf(target); top !== undefined;) {
      if (top[flag]) {
        hidden = true;
        break;
      }
      const next = top.target;
      if (next === null || seen.has(next)) break;
      seen.add(next);
      top = context.topOf(next);
    }
    context.chains.set(target, hidden);
  }
  return hidden;
}

/**
 * Whether a schema's own body has a property hidden in the direction, at any depth: some property (an object)
 * hidden by its own flag, or through the schema it names; isHidden() of each, read off the facts.
 */
function hidesKeys(facts: PropertyFacts, context: Context): boolean {
  const flag = DIRECTED[context.direction].hidden;
  return facts[flag] || facts.targets.some((target) => hiddenThrough(target, context));
}

/** What hidesKeys() reads of a schema's properties, for both directions, in one walk of its body. */
function propertyFacts(schema: ResolvedSchema): PropertyFacts {
  const facts: PropertyFacts = { readOnly: false, writeOnly: false, targets: [] };
  const targets = new Set<string>();
  forEachSchemaNode(schema.path, schema.schema, (node) => {
    const properties = node["properties"];
    if (!isObject(properties)) return;
    for (const property of Object.values(properties)) {
      if (!isObject(property)) continue;
      if (property["readOnly"] === true) facts.readOnly = true;
      if (property["writeOnly"] === true) facts.writeOnly = true;
      const target = linkTarget(property);
      if (target !== undefined) targets.add(target);
    }
  });
  facts.targets = [...targets].sort(byCodeUnit);
  return facts;
}

/**
 * Keys a composition's parts hide in the direction, through refs: `required` beside allOf/anyOf/oneOf must not
 * demand them. `seen` guards recursive schemas.
 */
function hiddenKeysOfParts(
  node: JsonObject,
  context: Context,
  seen = new Set<string>(),
): Set<string> {
  const keys = new Set<string>();
  const visit = (part: Json) => {
    if (!isObject(part)) return;
    const target = refTarget(part["$ref"]);
    if (target !== undefined) {
      if (seen.has(target)) return;
      seen.add(target);
      const schema = context.byName.get(target)?.schema;
      if (schema) visit(schema);
      return;
    }
    const properties = part["properties"];
    if (isObject(properties))
      for (const [key, value] of Object.entries(properties))
        if (isHidden(value, context)) keys.add(key);
    for (const keyword of ["allOf", "anyOf", "oneOf"]) {
      const list = part[keyword];
      if (Array.isArray(list)) list.forEach(visit);
    }
  };
  for (const keyword of ["allOf", "anyOf", "oneOf"]) {
    const list = node[keyword];
    if (Array.isArray(list)) list.forEach(visit);
  }
  return keys;
}

/** One schema tree as the direction sees it (see the module comment). */
function directSchema(
  file: string,
  schema: Json,
  context: Context,
  path: readonly (string | number)[] = [],
): Json {
  const { refPrefix } = DIRECTED[context.direction];
  return mapSchema(
    file,
    schema,
    (node) => {
      let out = node;
      const target = refTarget(out["$ref"]);
      if (
        target !== undefined &&
        context.differs.has(target) &&
        !String(out["$ref"]).startsWith(refPrefix)
      )
        out = fromEntries(
          Object.entries(out).map(([key, value]): [string, Json] => [
            key,
            key === "$ref" ? `${refPrefix}${target}` : value,
          ]),
        );
      const properties = out["properties"];
      const hidden = new Set<string>();
      if (isObject(properties))
        for (const [key, value] of Object.entries(properties))
          if (isHidden(value, context)) hidden.add(key);
      for (const key of hiddenKeysOfParts(out, context)) hidden.add(key);
      if (hidden.size === 0) return out;
      const required = out["required"];
      return fromEntries(
        Object.entries(out).flatMap(([key, value]): [string, Json][] => {
          if (key === "required" && Array.isArray(required))
            return [[key, required.filter((k) => !hidden.has(k as string))]];
          if (key !== "properties" || !isObject(value)) return [[key, value]];
          return [
            [
              key,
              fromEntries(
                Object.entries(value).flatMap(([name, property]): [string, Json][] => {
                  if (
                    !hidden.has(name) ||
                    !isObject(properties) ||
                    !Object.hasOwn(properties, name)
                  )
                    return [[name, property]];
                  // A response leaves the key out, unless an index signature (additionalProperties)
                  // would then admit it: there, as in a request, it is `key?: never`.
                  const open =
                    out["additionalProperties"] !== undefined &&
                    out["additionalProperties"] !== false;
                  return context.direction === "response" && !open
                    ? []
                    : [[name, refused(property)]];
                }),
              ),
            ],
          ];
        }),
      );
    },
    path,
  );
}

/** A key refused in its direction: no value but undefined (`key?: never`), its description kept. */
function refused(property: Json): JsonObject {
  const kept = isObject(property)
    ? Object.entries(property).filter(([key]) => KEPT_ON_HIDDEN.includes(key))
    : [];
  return fromEntries<Json>([...kept, ["enum", []]]);
}

/** Schema names a schema tree refers to directly. */
function refNames(file: string, schema: Json): string[] {
  const names: string[] = [];
  forEachSchemaNode(file, schema, (node) => {
    const target = refTarget(node["$ref"]);
    if (target !== undefined) names.push(target);
  });
  return names;
}

function reachable(
  byName: ReadonlyMap<string, ResolvedSchema>,
  from: Iterable<string>,
): Set<string> {
  const seen = new Set<string>();
  const queue = [...from];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name) || !byName.has(name)) continue;
    seen.add(name);
    queue.push(...byName.get(name)!.refersTo);
  }
  return seen;
}

/** `own` and every schema of `within` that reaches one of them. */
function dependents(
  byName: ReadonlyMap<string, ResolvedSchema>,
  within: ReadonlySet<string>,
  own: readonly string[],
): Set<string> {
  const result = new Set(own);
  let grew = true;
  while (grew) {
    grew = false;
    for (const name of within) {
      if (result.has(name)) continue;
      if (byName.get(name)!.refersTo.some((r) => result.has(r))) {
        result.add(name);
        grew = true;
      }
    }
  }
  return result;
}
