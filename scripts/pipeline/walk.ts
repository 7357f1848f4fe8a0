/**
 * A schema-aware rebuild of one schema tree. Only keywords that hold subschemas are descended into, so
 * `$ref` keys inside `example`, `default` or `enum` data, and properties *named* "$ref", stay data.
 */
import { SchemaError, place } from "./errors.js";
import { isObject, setOwn, type Json, type JsonObject } from "./json.js";

const SINGLE = new Set([
  "additionalProperties",
  "not",
  "contains",
  "if",
  "then",
  "else",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
  "additionalItems",
]);
const LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const MAPS = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);

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
  if (!isObject(schema)) {
    throw new SchemaError(
      file,
      place(path),
      `not a schema: expected an object, found ${describe(schema)}`,
    );
  }
  checkKeywords(file, schema, path);
  const rebuilt: JsonObject = {};
  for (const key of Object.keys(schema)) {
    const value = schema[key]!;
    let out: Json = value;
    if (key === "items") {
      out = Array.isArray(value)
        ? value.map((item, i) => mapSchema(file, item, visit, [...path, key, i]))
        : mapSchema(file, value, visit, [...path, key]);
    } else if (SINGLE.has(key)) out = mapSchema(file, value, visit, [...path, key]);
    else if (LISTS.has(key)) {
      if (!Array.isArray(value))
        throw new SchemaError(
          file,
          place([...path, key]),
          `expected an array of schemas, found ${describe(value)}`,
        );
      out = value.map((item, i) => mapSchema(file, item, visit, [...path, key, i]));
    } else if (MAPS.has(key)) {
      if (!isObject(value))
        throw new SchemaError(
          file,
          place([...path, key]),
          `expected an object of schemas, found ${describe(value)}`,
        );
      const map: JsonObject = {};
      for (const name of Object.keys(value))
        setOwn(map, name, mapSchema(file, value[name]!, visit, [...path, key, name]));
      out = map;
    }
    setOwn(rebuilt, key, out);
  }
  return visit(rebuilt, path);
}

/** Visits every schema node without rebuilding. */
export function forEachSchema(
  file: string,
  schema: Json,
  visit: (node: JsonObject, path: Path) => void,
): void {
  mapSchema(file, schema, (node, path) => {
    visit(node, path);
    return node;
  });
}

/** The keyword shapes that the emitter relies on; anything else would give a silently wrong type. */
function checkKeywords(file: string, schema: JsonObject, path: Path): void {
  const at = (key: string) => place([...path, key]);
  const type = schema["type"];
  if (
    type !== undefined &&
    typeof type !== "string" &&
    !(Array.isArray(type) && type.every((t) => typeof t === "string"))
  ) {
    throw new SchemaError(
      file,
      at("type"),
      `expected a type name or a list of them, found ${describe(type)}`,
    );
  }
  for (const name of typeof type === "string" ? [type] : Array.isArray(type) ? type : []) {
    if (!TYPE_NAMES.has(name as string)) {
      throw new SchemaError(
        file,
        at("type"),
        `unknown type ${JSON.stringify(name)}: expected one of ${[...TYPE_NAMES].join(", ")}`,
      );
    }
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
