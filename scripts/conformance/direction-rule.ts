/**
 * The direction rule, as the judge reads it (OpenAPI 3.0.3, §4.7.24 Schema Object, readOnly and writeOnly): a
 * readOnly property "SHOULD NOT be sent as part of the request", a writeOnly one is never returned, and
 * `required` on either takes effect in its own direction only. A request instance therefore never holds a
 * readOnly key and a response instance never holds a writeOnly one.
 *
 * The rule is applied by rewriting a copy of the schema set (as written, before the pipeline's normalize) for
 * one direction:
 * - a property whose schema is flagged (readOnly for requests, writeOnly for responses) becomes `false`: no
 *   value of it is valid, so the key must be absent;
 * - `required` drops the keys flagged at its own level: in `properties` beside it or in any allOf/anyOf/oneOf
 *   part, through `$ref`s, at any depth of composition.
 * A property's schema is flagged when it says so itself (also beside `$ref`, which the authors meant, as with
 * `nullable`) or when it is a `$ref` to a schema whose root is flagged.
 *
 * This is the harness's own reading, written apart from scripts/pipeline/direction.ts on purpose, so that a
 * bug there cannot be mirrored here. Pure.
 */
import { fromEntries, isObject, type Json, type JsonObject } from "../pipeline/json.js";
import { componentRefTokens } from "../pipeline/refs.js";
import { mapSchema } from "../pipeline/walk.js";

export type Direction = "request" | "response";

/** The keyword that hides a property in each direction. */
export const HIDDEN_BY = { request: "readOnly", response: "writeOnly" } as const;
export type HiddenFlag = (typeof HIDDEN_BY)[Direction];

const COMPOSITIONS = ["allOf", "anyOf", "oneOf"];

/** The schema set as one direction reads it. */
export interface DirectedView {
  direction: Direction;
  flag: HiddenFlag;
  /** Every schema of the set, with the rule applied; `$ref`s point at these. */
  schemas: ReadonlyMap<string, JsonObject>;
  /** One schema tree (as written, refs in resolve's form), with the rule applied. */
  direct(file: string, schema: Json): Json;
  /**
   * For a `properties` object of the view and one of its keys: the property's schema (in the view) when the
   * rule made it `false`, else undefined.
   */
  hiddenProperty(properties: JsonObject, key: string): Json | undefined;
}

export function directedView(
  schemas: readonly { name: string; path: string; schema: JsonObject }[],
  direction: Direction,
): DirectedView {
  const flag = HIDDEN_BY[direction];
  const original = new Map(schemas.map((s) => [s.name, s.schema]));
  const hidden = new WeakMap<JsonObject, Map<string, Json>>();

  /** Whether a property's schema is flagged: by itself, or as a `$ref` to a schema whose root is (a chain). */
  const flagged = (schema: Json, seen: ReadonlySet<string> = new Set()): boolean => {
    if (!isObject(schema)) return false;
    if (schema[flag] === true) return true;
    const target = wholeRefName(schema["$ref"]);
    if (target === undefined || seen.has(target)) return false;
    const root = original.get(target);
    return root !== undefined && flagged(root, new Set([...seen, target]));
  };

  /** The keys flagged at a node's level: its own properties and those of its composition parts, through refs. */
  const flaggedKeys = (node: JsonObject, into: Set<string>, seen: Set<string>): Set<string> => {
    const properties = node["properties"];
    if (isObject(properties))
      for (const [key, value] of Object.entries(properties)) if (flagged(value)) into.add(key);
    for (const keyword of COMPOSITIONS) {
      const parts = node[keyword];
      if (!Array.isArray(parts)) continue;
      for (const part of parts) {
        if (!isObject(part)) continue;
        const target = wholeRefName(part["$ref"]);
        if (target !== undefined) {
          const root = original.get(target);
          if (root === undefined || seen.has(target)) continue;
          seen.add(target);
          flaggedKeys(root, into, seen);
        } else flaggedKeys(part, into, seen);
      }
    }
    return into;
  };

  const direct = (file: string, schema: Json): Json => {
    // Pass 1: `required` loses the flagged keys of its level (the flags are all still in place).
    const requiredDone = mapSchema(file, schema, (node) => {
      const required = node["required"];
      if (!Array.isArray(required)) return node;
      const keys = flaggedKeys(node, new Set(), new Set());
      if (keys.size === 0 || !required.some((k) => keys.has(k as string))) return node;
      return fromEntries(
        Object.entries(node).map(([key, value]): [string, Json] => [
          key,
          key === "required" ? required.filter((k) => !keys.has(k as string)) : value,
        ]),
      );
    });
    // Pass 2: each flagged property becomes `false`; what it was is kept for the generator's mutants.
    return mapSchema(file, requiredDone, (node) => {
      const properties = node["properties"];
      if (!isObject(properties)) return node;
      const keys = Object.keys(properties).filter((key) => flagged(properties[key]!));
      if (keys.length === 0) return node;
      const was = new Map<string, Json>();
      const rewritten = fromEntries(
        Object.entries(properties).map(([key, value]): [string, Json] => {
          if (!keys.includes(key)) return [key, value];
          was.set(key, value);
          return [key, false];
        }),
      );
      hidden.set(rewritten, was);
      return fromEntries(
        Object.entries(node).map(([key, value]): [string, Json] => [
          key,
          key === "properties" ? rewritten : value,
        ]),
      );
    });
  };

  const directed = new Map(
    schemas.map((s) => [s.name, direct(s.path, s.schema) as JsonObject] as const),
  );
  return {
    direction,
    flag,
    schemas: directed,
    direct,
    hiddenProperty: (properties, key) => hidden.get(properties)?.get(key),
  };
}

/** The schema a `$ref` to a whole schema names (resolve's form, `#/components/schemas/<Name>`), else undefined. */
function wholeRefName(ref: Json | undefined): string | undefined {
  const tokens = typeof ref === "string" ? componentRefTokens(ref) : undefined;
  return tokens?.length === 1 ? tokens[0] : undefined;
}
