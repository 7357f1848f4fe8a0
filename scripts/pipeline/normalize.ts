/**
 * Stage 3, normalise: reads the set as OpenAPI 3.0 `components.schemas` (its real dialect, whatever
 * `$schema` says) and rewrites what openapi-typescript would otherwise get wrong.
 */
import { fromEntries, isObject, setOwn, type JsonObject } from "./json.js";
import type { ResolvedSchema, ResolvedSet } from "./resolve.js";
import { mapSchema } from "./walk.js";

/** Keys that only label a file of the per-file layout; they are not part of the schema's type. */
const FILE_KEYS = new Set(["$schema", "$id"]);

export interface NormalizedSet extends Omit<ResolvedSet, "schemas"> {
  schemas: ResolvedSchema[];
}

export function normalizeSchemaSet(set: ResolvedSet): NormalizedSet {
  return { ...set, schemas: set.schemas.map(normalizeSchema) };
}

export function normalizeSchema(resolved: ResolvedSchema): ResolvedSchema {
  const body = fromEntries(
    Object.entries(resolved.schema).filter(
      ([key, value]) => !FILE_KEYS.has(key) && !(key === "title" && value === resolved.name),
    ),
  );
  const schema = mapSchema(resolved.path, body, normalizeNode) as JsonObject;
  return { ...resolved, schema };
}

function normalizeNode(node: JsonObject): JsonObject {
  let out = node;
  // openapi-typescript ignores every sibling of `$ref`, so `{ $ref, nullable: true }` would lose its
  // `| null`. Wrapping the reference in a one-branch anyOf keeps the name and lets `nullable` apply.
  if (typeof out["$ref"] === "string" && out["nullable"] === true) {
    out = fromEntries(
      Object.entries(out).flatMap(([key, value]): [string, JsonObject[keyof JsonObject]][] =>
        key === "$ref" ? [["anyOf", [{ $ref: value }]]] : [[key, value]],
      ),
    );
  }
  // `{ type: "object", maxProperties: 0 }` admits only `{}`. openapi-typescript ignores maxProperties and would
  // type it Record<string, unknown>; an additionalProperties schema that admits no value says the same thing
  // in a form it types: `{ [key: string]: never }`.
  const properties = out["properties"];
  if (
    out["type"] === "object" &&
    out["maxProperties"] === 0 &&
    out["additionalProperties"] === undefined &&
    (!isObject(properties) || Object.keys(properties).length === 0)
  ) {
    out = fromEntries([...Object.entries(out), ["additionalProperties", { enum: [] }]]);
  }
  // readOnly becomes a `readonly` modifier; both stay visible in the editor's hover text.
  const access =
    out["readOnly"] === true
      ? "Read-only: sent by the API, not accepted in requests."
      : out["writeOnly"] === true
        ? "Write-only: accepted in requests, never sent back."
        : undefined;
  if (access !== undefined) {
    out = out === node ? fromEntries(Object.entries(out)) : out;
    setOwn(
      out,
      "summary",
      typeof out["summary"] === "string" ? `${out["summary"]}\n${access}` : access,
    );
  }
  return out;
}
