/**
 * Stage 3, normalise: reads the set as OpenAPI 3.0 `components.schemas` (its real dialect, whatever
 * `$schema` says) and rewrites, node by node, what openapi-typescript would otherwise type wrongly. Each
 * rewrite is one function below, applied bottom-up (children first), and each returns a new node: the
 * input is never changed.
 *
 * Where TypeScript cannot say a thing exactly, the rewrite takes the sound side: every valid value is
 * accepted, and what can be rejected is. README.md's keyword table lists the choices.
 */
import { SchemaError, place } from "./errors.js";
import { fromEntries, isObject, type Json, type JsonObject } from "./json.js";
import { COMPONENTS_PREFIX, componentRefTokens } from "./refs.js";
import { directSchemas, type DirectedStore, type DirectionFacts } from "./direction.js";
import {
  mapComponent,
  mapOperation,
  type Direction,
  type ObjectVisitor,
} from "./openapi-objects.js";
import type { ResolvedSchema, ResolvedSet } from "./resolve.js";
import { mapSchema, type Path } from "./walk.js";

/** Keys that only label a file of the per-file layout; they are not part of the schema's type. */
const FILE_KEYS = new Set(["$schema", "$id"]);

export interface NormalizedSet extends ResolvedSet {
  /** Per direction, the schemas whose type differs there from components["schemas"] (direction.ts). */
  variants: Record<Direction, ResolvedSchema[]>;
}

/**
 * Lets a caller skip the per-item rewrites (prepare.ts, from the cache): `done` gives an item with its body as an
 * earlier run normalised it (its body may be pending, json.ts pendingText(); the resolved one is then not read);
 * `made` is told each item normalised here, with the schema names its discriminator mappings asked
 * about (the only thing outside its own body that the rewrites read). The set-wide part, each schema as each
 * direction sees it (direction.ts), always runs, with `facts` of the bodies it is given.
 */
export interface NormalizeHooks {
  done?<T extends { fileName: string }>(from: T): T | undefined;
  made?(fileName: string, body: JsonObject, askedNames: ReadonlyMap<string, boolean>): void;
  /** What direction.ts learnt of the bodies in an earlier run, and learns in this one. */
  facts?: DirectionFacts;
  /** Where direction.ts keeps what it directs, for later runs. */
  directed?: DirectedStore;
}

export function normalizeSchemaSet(set: ResolvedSet, hooks: NormalizeHooks = {}): NormalizedSet {
  const names = new Set(set.schemas.map((s) => s.name));
  /**
   * `from` with its body at `key` rewritten here, or as the hooks have it. The resolved body is not read when
   * the hooks have the item (a spread would read it: it may be a lazy property, and is not enumerable then).
   */
  const item = <T extends { fileName: string }>(
    from: T,
    key: keyof T & string,
    rewrite: (names: NameSet) => JsonObject,
  ): T => {
    const done = hooks.done?.(from);
    if (done !== undefined) return done;
    const asked = new Map<string, boolean>();
    const body = rewrite({
      has: (name) => {
        const has = names.has(name);
        asked.set(name, has);
        return has;
      },
    });
    hooks.made?.(from.fileName, body, asked);
    return { ...from, [key]: body };
  };
  const schemas = set.schemas.map((s) =>
    item(s, "schema", (askable) => normalizeSchema(s, askable).schema),
  );
  // The schemas inside operations and components get the same rewrites.
  const visit = (file: string, askable: NameSet): ObjectVisitor => ({
    schema: (schema, path) => mapSchema(file, schema, rewriteNode(file, askable), path),
    ref: (ref) => ref,
  });
  const operations = set.operations.map((o) =>
    item(o, "operation", (askable) => mapOperation(o.path, o.operation, visit(o.path, askable))),
  );
  const components = set.components.map((c) =>
    item(c, "body", (askable) => mapComponent(c.path, c.kind, c.body, visit(c.path, askable))),
  );
  const directed = directSchemas(schemas, operations, components, hooks.facts, hooks.directed);
  return { ...set, schemas, ...directed };
}

/** What the rewrites ask of the set's schema names: whether one is there. */
type NameSet = Pick<ReadonlySet<string>, "has">;

function rewriteNode(file: string, names: NameSet) {
  const context: Context = { file, names };
  return (node: JsonObject, path: Path) =>
    REWRITES.reduce((out, rewrite) => rewrite(out, path, context), node);
}

/** `names`: every schema of the set, for discriminator mappings (which are not `$ref`s). */
export function normalizeSchema(resolved: ResolvedSchema, names: NameSet): ResolvedSchema {
  const schema = mapSchema(
    resolved.path,
    ownBody(resolved),
    rewriteNode(resolved.path, names),
  ) as JsonObject;
  return { ...resolved, schema };
}

/** The schema without the labels of its file (`$schema`, `$id`, a `title` that only repeats its name). */
export function ownBody(resolved: ResolvedSchema): JsonObject {
  return fromEntries(
    Object.entries(resolved.schema).filter(
      ([key, value]) => !FILE_KEYS.has(key) && !(key === "title" && value === resolved.name),
    ),
  );
}

interface Context {
  file: string;
  names: NameSet;
}

type Rewrite = (node: JsonObject, path: Path, context: Context) => JsonObject;

/** In this order: later rewrites read what earlier ones made (e.g. closeEmptyObject sees added properties). */
const REWRITES: Rewrite[] = [
  typeEnumByItsType,
  declareRequiredKeys,
  widenAdditionalProperties,
  closeEmptyObject,
  narrowDiscriminatedBranches,
  wrapNullableRef,
  noteReadWriteAccess,
];

/** A copy of `node` with `changes` applied (`undefined` removes a key); key order is kept, new keys go last. */
function withKeys(node: JsonObject, changes: Record<string, Json | undefined>): JsonObject {
  const entries: [string, Json][] = [];
  for (const [key, value] of Object.entries(node)) {
    if (!Object.hasOwn(changes, key)) entries.push([key, value]);
    else if (changes[key] !== undefined) entries.push([key, changes[key]!]);
  }
  for (const [key, value] of Object.entries(changes)) {
    if (!Object.hasOwn(node, key) && value !== undefined) entries.push([key, value]);
  }
  return fromEntries(entries);
}

function propertiesOf(node: JsonObject): JsonObject {
  const properties = node["properties"];
  return isObject(properties) ? properties : {};
}

function hasComposition(node: JsonObject): boolean {
  return ["allOf", "anyOf", "oneOf"].some((key) => Array.isArray(node[key]));
}

/**
 * `enum` beside `type`: a value the type does not admit can never be valid, so it is not typed. That is
 * `null` in a non-nullable typed enum (`{ type: string, enum: ["a", null] }` admits only "a"), and object or
 * array values, which openapi-typescript would read as schemas: such an enum is typed by its `type` alone.
 * A nullable enum admits null whether or not it lists it (openapi-typescript adds `| null`).
 */
function typeEnumByItsType(node: JsonObject): JsonObject {
  const values = node["enum"];
  if (!Array.isArray(values)) return node;
  if (values.some((v) => typeof v === "object" && v !== null))
    return withKeys(node, { enum: undefined });
  if (typeof node["type"] === "string" && node["nullable"] !== true && values.includes(null))
    return withKeys(node, { enum: values.filter((v) => v !== null) });
  return node;
}

/**
 * A key listed in `required` must be present even when no property schema describes it; openapi-typescript
 * drops such keys. On an object without composition the key is declared with the schema that applies to it:
 * `additionalProperties` when that is a schema, else `{}` (any value). Under allOf/anyOf/oneOf the keys may be
 * declared by the parts, so emit.ts applies `required` to the composed type instead (WithRequired).
 */
function declareRequiredKeys(node: JsonObject): JsonObject {
  const required = node["required"];
  if (!Array.isArray(required) || hasComposition(node)) return node;
  if (node["type"] !== "object" && !isObject(node["properties"])) return node;
  const properties = propertiesOf(node);
  const missing = (required as string[]).filter((key) => !Object.hasOwn(properties, key));
  if (missing.length === 0) return node;
  const additional = node["additionalProperties"];
  const schema: Json = isObject(additional) ? additional : {};
  return withKeys(node, {
    properties: fromEntries([
      ...Object.entries(properties),
      ...[...new Set(missing)].map((key): [string, Json] => [key, schema]),
    ]),
  });
}

/**
 * `additionalProperties: S` beside `properties` constrains only the keys that are not declared. Typed as
 * openapi-typescript does, `{ id: string } & { [key: string]: S }`, the index signature covers `id` too, and no
 * value satisfies it when S is another type. The index signature is widened to S or any declared property's
 * schema: every valid value is accepted, and an undeclared key of a type no schema allows is still refused.
 */
function widenAdditionalProperties(node: JsonObject): JsonObject {
  const additional = node["additionalProperties"];
  if (!isObject(additional) || Object.keys(additional).length === 0) return node;
  const declared = Object.values(propertiesOf(node));
  if (declared.length === 0) return node;
  const branches: Json[] = [];
  const seen = new Set<string>();
  for (const schema of [additional, ...declared]) {
    const key = JSON.stringify(schema);
    if (!seen.has(key)) {
      seen.add(key);
      branches.push(schema);
    }
  }
  return withKeys(node, { additionalProperties: { anyOf: branches } });
}

/**
 * An object that admits no keys (`maxProperties: 0`, or `additionalProperties: false` with no properties)
 * admits only `{}`. openapi-typescript ignores maxProperties and types both `Record<string, unknown>`; an
 * additionalProperties schema that admits no value says the same in a form it types: `{ [key: string]: never }`.
 */
function closeEmptyObject(node: JsonObject): JsonObject {
  if (node["type"] !== "object" || Object.keys(propertiesOf(node)).length > 0) return node;
  if (node["maxProperties"] !== 0 && node["additionalProperties"] !== false) return node;
  return withKeys(node, { additionalProperties: { enum: [] } });
}

/**
 * `discriminator` (OpenAPI 3.0): the value of `propertyName` picks the branch of oneOf/anyOf, by `mapping` or,
 * for a branch no mapping names, by the branch schema's own name. Each `$ref` branch becomes that schema
 * intersected with its discriminator values, so a union narrows on the property. The keyword is then removed:
 * openapi-typescript would instead write the values into the branch schemas themselves, wrongly for a schema
 * used outside this union (or under two mappings), and it changes its input while doing so. A discriminator
 * without oneOf/anyOf (allOf inheritance) narrows nothing, which is the sound reading of a hint.
 */
function narrowDiscriminatedBranches(node: JsonObject, path: Path, context: Context): JsonObject {
  const discriminator = node["discriminator"];
  if (discriminator === undefined) return node;
  const at = (...more: (string | number)[]) => place([...path, "discriminator", ...more]);
  if (!isObject(discriminator) || typeof discriminator["propertyName"] !== "string")
    throw new SchemaError(context.file, at(), "expected an object with a propertyName string");
  const propertyName = discriminator["propertyName"];
  const mapping = discriminator["mapping"] ?? {};
  if (!isObject(mapping))
    throw new SchemaError(context.file, at("mapping"), "expected an object of schema references");
  const valuesByTarget = new Map<string, string[]>();
  for (const [value, target] of Object.entries(mapping)) {
    const name = mappingTarget(target, context, at("mapping", value));
    valuesByTarget.set(name, [...(valuesByTarget.get(name) ?? []), value]);
  }
  const changes: Record<string, Json | undefined> = { discriminator: undefined };
  for (const key of ["oneOf", "anyOf"]) {
    const branches = node[key];
    if (!Array.isArray(branches)) continue;
    changes[key] = branches.map((branch) => {
      if (!isObject(branch) || Object.keys(branch).length !== 1) return branch;
      const name = refName(branch["$ref"]);
      if (name === undefined) return branch;
      const values = valuesByTarget.get(name) ?? [name];
      return {
        allOf: [
          branch,
          {
            type: "object",
            properties: fromEntries([[propertyName, { type: "string", enum: values }]]),
            required: [propertyName],
          },
        ],
      };
    });
  }
  return withKeys(node, changes);
}

/** A mapping value: `#/components/schemas/<Name>` or a schema name, either naming a schema of the set. */
function mappingTarget(target: Json, context: Context, at: string): string {
  const name =
    typeof target !== "string"
      ? undefined
      : target.startsWith(COMPONENTS_PREFIX)
        ? refName(target)
        : target;
  if (name === undefined || !context.names.has(name)) {
    throw new SchemaError(
      context.file,
      at,
      `discriminator mapping ${JSON.stringify(target)} names no schema of the set (expected "${COMPONENTS_PREFIX}<Name>" or a schema name)`,
    );
  }
  return name;
}

/** The schema a whole-schema `$ref` in resolve's form names, else undefined. */
function refName(ref: Json | undefined): string | undefined {
  const tokens = typeof ref === "string" ? componentRefTokens(ref) : undefined;
  return tokens?.length === 1 ? tokens[0] : undefined;
}

/**
 * openapi-typescript ignores every sibling of `$ref`, so `{ $ref, nullable: true }` would lose its `| null`.
 * Wrapping the reference in a one-branch anyOf keeps the name and lets `nullable` apply. nullableRefTarget()
 * reads the wrapped form back, for anyone who needs the fact "this node is a nullable reference".
 */
function wrapNullableRef(node: JsonObject): JsonObject {
  if (typeof node["$ref"] !== "string" || node["nullable"] !== true) return node;
  return fromEntries(
    Object.entries(node).map(([key, value]): [string, Json] =>
      key === "$ref" ? ["anyOf", [{ $ref: value }]] : [key, value],
    ),
  );
}

/** The `$ref` of a node that wrapNullableRef() made, else undefined. */
export function nullableRefTarget(node: JsonObject): string | undefined {
  const anyOf = node["anyOf"];
  if (node["nullable"] !== true || !Array.isArray(anyOf) || anyOf.length !== 1) return undefined;
  const only = anyOf[0];
  return isObject(only) && Object.keys(only).length === 1 && typeof only["$ref"] === "string"
    ? only["$ref"]
    : undefined;
}

/** readOnly becomes a `readonly` modifier (openapi-typescript); both stay visible in the editor's hover text. */
function noteReadWriteAccess(node: JsonObject): JsonObject {
  const access =
    node["readOnly"] === true
      ? "Read-only: sent by the API, not accepted in requests."
      : node["writeOnly"] === true
        ? "Write-only: accepted in requests, never sent back."
        : undefined;
  if (access === undefined) return node;
  const summary = node["summary"];
  return withKeys(node, {
    summary: typeof summary === "string" ? `${summary}\n${access}` : access,
  });
}
