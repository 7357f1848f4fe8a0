/**
 * A schema-aware rebuild of one schema tree. Only keywords that hold subschemas are descended into, so
 * `$ref` keys inside `example`, `default` or `enum` data, and properties *named* "$ref", stay data.
 */
import { SchemaError, place } from "./errors.js";
import { isObject, setOwn, type Json, type JsonObject } from "./json.js";

// Only OpenAPI 3.0's subschema keywords: the JSON Schema ones are refused by checkKeywords() before this descends.
const SINGLE = new Set(["additionalProperties", "not", "items"]);
const LISTS = new Set(["allOf", "anyOf", "oneOf"]);
const MAPS = new Set(["properties"]);

const TYPE_NAMES = new Set(["string", "number", "integer", "boolean", "array", "object", "null"]);

export type Path = readonly (string | number)[];

/**
 * Rebuilds `schema` bottom-up: children first, then `visit(node, path)` on the node with rebuilt children.
 * `file` names the schema's file in errors about its structure.
 */
export function mapSchema(
  file: string,
  schema: Json,
  visit: (node: JsonObject, path: Path) => JsonObject,
  path: Path = [],
): Json {
  if (typeof schema === "boolean") return schema;
  checkSchemaNode(file, schema, path);
  const rebuilt: JsonObject = {};
  for (const key of Object.keys(schema)) {
    const value = schema[key]!;
    let out: Json = value;
    if (SINGLE.has(key)) out = mapSchema(file, value, visit, [...path, key]);
    else if (LISTS.has(key)) {
      checkSchemaList(file, value, path, key);
      out = value.map((item, i) => mapSchema(file, item, visit, [...path, key, i]));
    } else if (MAPS.has(key)) {
      checkSchemaMap(file, value, path, key);
      const map: JsonObject = {};
      for (const name of Object.keys(value))
        setOwn(map, name, mapSchema(file, value[name]!, visit, [...path, key, name]));
      out = map;
    }
    setOwn(rebuilt, key, out);
  }
  return visit(rebuilt, path);
}

/** Visits every schema node without rebuilding, in mapSchema's order (children first) and with its checks. */
export function forEachSchema(
  file: string,
  schema: Json,
  visit: (node: JsonObject, path: Path) => void,
  path: Path = [],
): void {
  const at = [...path];
  walkSchema(file, schema, (node) => visit(node, [...at]), at);
}

/**
 * forEachSchema without the path: what the walk costs is then the walk alone (no node is copied, no path is
 * built but for an error's message).
 */
export function forEachSchemaNode(
  file: string,
  schema: Json,
  visit: (node: JsonObject) => void,
  path: Path = [],
): void {
  walkSchema(file, schema, visit, [...path]);
}

/** mapSchema's walk over the schema as it is; `at` is the path of `schema`, changed as the walk goes and put back. */
function walkSchema(
  file: string,
  schema: Json,
  visit: (node: JsonObject) => void,
  at: (string | number)[],
): void {
  if (typeof schema === "boolean") return;
  checkSchemaNode(file, schema, at);
  for (const key of Object.keys(schema)) {
    const value = schema[key]!;
    if (SINGLE.has(key)) {
      at.push(key);
      walkSchema(file, value, visit, at);
      at.pop();
    } else if (LISTS.has(key)) {
      checkSchemaList(file, value, at, key);
      at.push(key);
      value.forEach((item, i) => {
        at.push(i);
        walkSchema(file, item, visit, at);
        at.pop();
      });
      at.pop();
    } else if (MAPS.has(key)) {
      checkSchemaMap(file, value, at, key);
      at.push(key);
      for (const name of Object.keys(value)) {
        at.push(name);
        walkSchema(file, value[name]!, visit, at);
        at.pop();
      }
      at.pop();
    }
  }
  visit(schema);
}

// The structural checks of both walks, in one place; a path is built only for an error's message.

/** A node the walks descend into must be a schema object (booleans are handled before) with OpenAPI 3.0 keywords. */
function checkSchemaNode(file: string, schema: Json, path: Path): asserts schema is JsonObject {
  if (!isObject(schema))
    throw new SchemaError(
      file,
      place(path),
      `not a schema: expected an object, found ${describe(schema)}`,
    );
  checkKeywords(file, schema, path);
}

/** `allOf`/`anyOf`/`oneOf` (at `path`/`key`) must hold an array of schemas. */
function checkSchemaList(
  file: string,
  value: Json,
  path: Path,
  key: string,
): asserts value is Json[] {
  if (!Array.isArray(value))
    throw new SchemaError(
      file,
      place([...path, key]),
      `expected an array of schemas, found ${describe(value)}`,
    );
}

/** `properties` (at `path`/`key`) must hold an object of schemas. */
function checkSchemaMap(
  file: string,
  value: Json,
  path: Path,
  key: string,
): asserts value is JsonObject {
  if (!isObject(value))
    throw new SchemaError(
      file,
      place([...path, key]),
      `expected an object of schemas, found ${describe(value)}`,
    );
}

/**
 * JSON Schema keywords that OpenAPI 3.0's Schema Object does not have and that would change a type. The
 * emitter cannot type them faithfully, so they are refused rather than silently ignored or mistyped.
 */
const NOT_OPENAPI_30 = new Map<string, string>([
  ["$defs", "JSON Schema 2020-12's $defs"],
  ["definitions", "JSON Schema's definitions"],
  ["const", "JSON Schema's const (use a one-value enum)"],
  ["prefixItems", "JSON Schema 2020-12's prefixItems"],
  ["additionalItems", "JSON Schema's additionalItems"],
  ["contains", "JSON Schema's contains"],
  ["if", "JSON Schema's if/then/else"],
  ["then", "JSON Schema's if/then/else"],
  ["else", "JSON Schema's if/then/else"],
  ["dependentSchemas", "JSON Schema 2020-12's dependentSchemas"],
  ["dependentRequired", "JSON Schema 2020-12's dependentRequired"],
  ["dependencies", "JSON Schema's dependencies"],
  ["patternProperties", "JSON Schema's patternProperties"],
  ["propertyNames", "JSON Schema's propertyNames"],
  ["unevaluatedProperties", "JSON Schema 2020-12's unevaluatedProperties"],
  ["unevaluatedItems", "JSON Schema 2020-12's unevaluatedItems"],
  ["$anchor", "JSON Schema 2020-12's $anchor"],
  ["$dynamicRef", "JSON Schema 2020-12's $dynamicRef"],
  ["$dynamicAnchor", "JSON Schema 2020-12's $dynamicAnchor"],
  ["$recursiveRef", "JSON Schema 2019-09's $recursiveRef"],
]);

/** The keyword shapes that the emitter relies on; anything else would give a silently wrong type. */
function checkKeywords(file: string, schema: JsonObject, path: Path): void {
  const at = (key: string) => place([...path, key]);
  for (const key of Object.keys(schema)) {
    const what = NOT_OPENAPI_30.get(key);
    if (what !== undefined)
      throw new SchemaError(
        file,
        at(key),
        `${what} is not an OpenAPI 3.0 keyword; the types cannot follow it`,
      );
  }
  const type = schema["type"];
  if (Array.isArray(type)) {
    throw new SchemaError(
      file,
      at("type"),
      'a list of types is JSON Schema, not OpenAPI 3.0: use one type name (with "nullable: true" for null, or oneOf)',
    );
  }
  if (type !== undefined && typeof type !== "string") {
    throw new SchemaError(file, at("type"), `expected a type name, found ${describe(type)}`);
  }
  if (type !== undefined && !TYPE_NAMES.has(type)) {
    throw new SchemaError(
      file,
      at("type"),
      `unknown type ${JSON.stringify(type)}: expected one of ${[...TYPE_NAMES].join(", ")}`,
    );
  }
  if (Array.isArray(schema["items"])) {
    throw new SchemaError(
      file,
      at("items"),
      "a list of item schemas (a tuple) is not OpenAPI 3.0: items takes one schema",
    );
  }
  const required = schema["required"];
  if (
    required !== undefined &&
    !(Array.isArray(required) && required.every((k) => typeof k === "string"))
  ) {
    throw new SchemaError(
      file,
      at("required"),
      `expected a list of property names, found ${describe(required)}`,
    );
  }
  if (schema["enum"] !== undefined && !Array.isArray(schema["enum"])) {
    throw new SchemaError(
      file,
      at("enum"),
      `expected a list of values, found ${describe(schema["enum"])}`,
    );
  }
  if (schema["nullable"] !== undefined && typeof schema["nullable"] !== "boolean") {
    throw new SchemaError(
      file,
      at("nullable"),
      `expected true or false, found ${describe(schema["nullable"])}`,
    );
  }
  if (schema["$ref"] !== undefined && typeof schema["$ref"] !== "string") {
    throw new SchemaError(
      file,
      at("$ref"),
      `expected a reference string, found ${describe(schema["$ref"])}`,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value} (${JSON.stringify(value)})`;
}
