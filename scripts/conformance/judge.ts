/**
 * The judge: ajv 8, made to read the schema set the way OpenAPI 3.0 does. It decides which generated
 * instances are valid; the types are then held to its verdicts.
 *
 * The judge works on its own copy of the schemas, taken after `resolve` (canonical `$ref`s) and before
 * the pipeline's `normalize`, so that a bug in normalisation cannot be mirrored by the judge.
 *
 * A judge of one direction (request or response bodies of operations) reads that copy with the direction
 * rule applied first (direction-rule.ts, its own reading of readOnly/writeOnly, not the pipeline's).
 */
import AjvModule, { type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { byCodeUnit, fromEntries, isObject, type Json, type JsonObject } from "../pipeline/json.js";
import { pointerToken } from "../pipeline/pointer.js";
import { mapSchema } from "../pipeline/walk.js";
import { directedView, type DirectedView, type Direction } from "./direction-rule.js";

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

/** Keywords that only label a file of the per-file layout, or annotate without constraining (OpenAPI 3.0). */
const DROPPED = new Set([
  "$schema",
  "$id",
  "example",
  "nullable",
  "discriminator",
  "xml",
  "externalDocs",
]);
/** Keywords that apply other schemas: with one of these, `nullable` has to wrap the node rather than widen `type`. */
const APPLICATORS = ["$ref", "allOf", "anyOf", "oneOf", "not"];
/** Formats that ajv-formats checks. Any other format is an annotation for the judge (and for the types). */
const CHECKED_FORMATS = new Set([
  "date",
  "time",
  "date-time",
  "uri",
  "uri-reference",
  "email",
  "uuid",
  "hostname",
  "ipv4",
  "ipv6",
]);

export interface Verdict {
  /** Valid, formats checked: what a valid instance must be. */
  valid: boolean;
  /** Valid with formats ignored. An invalid instance must fail even so: the types never check formats. */
  validIgnoringFormats: boolean;
  /** The first ajv error (formats checked), as `<instance pointer> <message>`, when invalid. */
  error?: string;
}

/** Judges a value at any schema node of the set (a raw node, as the generator reads it). */
export interface NodeJudge {
  accepts(node: Json, value: Json): boolean;
  acceptsIgnoringFormats(node: Json, value: Json): boolean;
}

export interface Judge extends NodeJudge {
  validate(schemaName: string, value: Json): Verdict;
  /** The verdict on a value at any schema node of the set, as the judge reads it (a node of `view`, if directed). */
  validateNode(node: Json, value: Json): Verdict;
  /** Formats seen in the set that the judge does not check (they are annotations only). */
  uncheckedFormats: string[];
  /**
   * For a judge of one direction: the set as it reads it (direction-rule.ts), which is what instances of that
   * direction are generated from and what its `accepts`/`validateNode` take nodes of.
   */
  view?: DirectedView;
}

export interface JudgeOptions {
  /** Read the set as a request or a response carries it (readOnly / writeOnly keys left out). */
  direction?: Direction;
}

/** The id under which the set is compiled: `openapi#/components/schemas/<Name>`. */
const DOCUMENT_ID = "openapi";

/**
 * Rewrites one schema into plain JSON Schema (draft-07) with OpenAPI 3.0's meaning:
 * - `$ref` ignores its siblings, except `nullable: true`, which the authors meant: `{ $ref, nullable }` →
 *   `{ anyOf: [{ $ref }, { type: "null" }] }`;
 * - `{ type: T, nullable: true }` → `type: [T, "null"]`, and `null` joins an `enum`;
 * - `nullable: true` beside an applicator or without `type` → `anyOf: [node, { type: "null" }]`;
 * - `example` (an OpenAPI annotation) and the per-file `$schema`/`$id` labels are dropped.
 * `refBase` is put before every `#/components/schemas/...` reference (the document's id in ajv).
 */
export function toJudgeSchema(file: string, schema: Json, refBase = ""): Json {
  return mapSchema(file, schema, (raw) => {
    const node = aliasProtoKeys(raw);
    const nullable = node["nullable"] === true;
    if (typeof node["$ref"] === "string") {
      const ref: JsonObject = { $ref: refBase + uriFragment(node["$ref"]) };
      return nullable ? { anyOf: [ref, { type: "null" }] } : ref;
    }
    // OpenAPI's `x-` extensions are annotations too.
    const kept = fromEntries(
      Object.entries(node).filter(([key]) => !DROPPED.has(key) && !key.startsWith("x-")),
    );
    if (!nullable) return kept;
    const type = kept["type"];
    if (typeof type === "string" && !APPLICATORS.some((key) => key in kept)) {
      kept["type"] = [type, "null"];
      const values = kept["enum"];
      if (Array.isArray(values) && !values.includes(null)) kept["enum"] = [...values, null];
      return kept;
    }
    return { anyOf: [kept, { type: "null" }] };
  });
}

/**
 * Compiles the whole set, laid out as an OpenAPI document's `#/components/schemas`, into two ajv
 * instances: one checks formats (valid instances must pass it), one ignores them (invalid instances
 * must fail it, so that no verdict of "invalid" rests on a format the types cannot express).
 */
export function createJudge(
  schemas: readonly { name: string; path: string; schema: JsonObject }[],
  options: JudgeOptions = {},
): Judge {
  const uncheckedFormats = new Set<string>();
  const view =
    options.direction === undefined ? undefined : directedView(schemas, options.direction);
  const read =
    view === undefined
      ? schemas
      : schemas.map((s) => ({ ...s, schema: view.schemas.get(s.name)! }));
  const converted = read.map((s) => {
    const judged = toJudgeSchema(s.path, s.schema, DOCUMENT_ID);
    collectFormats(judged, uncheckedFormats);
    return [s.name, judged] as const;
  });
  const document = { $id: DOCUMENT_ID, components: { schemas: fromEntries(converted) } };
  const withFormats = createAjv(true, uncheckedFormats, document);
  const withoutFormats = createAjv(false, uncheckedFormats, document);

  const byName = new Map<string, [ValidateFunction, ValidateFunction]>();
  const byNode = new WeakMap<object, [ValidateFunction, ValidateFunction]>();
  const named = (schemaName: string) => {
    let pair = byName.get(schemaName);
    if (pair === undefined) {
      const ref = `${DOCUMENT_ID}#/components/schemas/${encodeURIComponent(pointerToken(schemaName))}`;
      const a = withFormats.getSchema(ref);
      const b = withoutFormats.getSchema(ref);
      if (a === undefined || b === undefined)
        throw new Error(`the judge has no schema named "${schemaName}"`);
      pair = [a as ValidateFunction, b as ValidateFunction];
      byName.set(schemaName, pair);
    }
    return pair;
  };
  const atNode = (node: Json) => {
    const key = isObject(node) ? node : undefined;
    let pair = key && byNode.get(key);
    if (pair === undefined) {
      const judged = toJudgeSchema("(node)", node, DOCUMENT_ID);
      pair = [
        withFormats.compile(judged as JsonObject),
        withoutFormats.compile(judged as JsonObject),
      ];
      if (key) byNode.set(key, pair);
    }
    return pair;
  };
  const verdict = ([strict, loose]: [ValidateFunction, ValidateFunction], original: Json) => {
    const value = aliasProtoData(original);
    const valid = strict(value);
    const first = strict.errors?.[0];
    const error = valid
      ? undefined
      : first
        ? `${first.instancePath || "(root)"} ${first.message ?? first.keyword}`
        : "invalid";
    return { valid, validIgnoringFormats: loose(value), error };
  };
  return {
    uncheckedFormats: [...uncheckedFormats].sort(byCodeUnit),
    view,
    validate: (schemaName, value) => verdict(named(schemaName), value),
    validateNode: (node, value) => verdict(atNode(node), value),
    accepts: (node, value) => atNode(node)[0](aliasProtoData(value)),
    acceptsIgnoringFormats: (node, value) => atNode(node)[1](aliasProtoData(value)),
  };
}

function createAjv(validateFormats: boolean, uncheckedFormats: Set<string>, document: JsonObject) {
  // ownProperties: a key named like an Object.prototype member ("constructor") is absent unless it is own.
  const ajv = new Ajv({
    strict: true,
    // Both are legal JSON Schema that strict mode only warns about: `properties` without `type`, and a
    // required key that `properties` does not declare.
    strictTypes: false,
    strictRequired: false,
    allErrors: false,
    validateFormats,
    ownProperties: true,
  });
  addFormats(ajv, { mode: "full", formats: [...CHECKED_FORMATS] as never });
  for (const format of uncheckedFormats) ajv.addFormat(format, true);
  // `components` is not a JSON Schema keyword; declaring it keeps strict mode on for everything else.
  ajv.addKeyword({ keyword: "components", schemaType: "object" });
  ajv.addSchema(document);
  return ajv;
}

/**
 * ajv never checks a property named "__proto__" (its value passes whatever it is). The judge renames that
 * key to an alias no real key uses, in the schema and in every instance alike, which changes no verdict.
 */
const PROTO_ALIAS = "\u0000__proto__";

function aliasProtoKeys(node: JsonObject): JsonObject {
  const properties = node["properties"];
  const required = node["required"];
  const hasProto =
    (isObject(properties) && Object.hasOwn(properties, "__proto__")) ||
    (Array.isArray(required) && required.includes("__proto__"));
  if (!hasProto) return node;
  const out = fromEntries(Object.entries(node));
  if (isObject(properties))
    out["properties"] = fromEntries(
      Object.entries(properties).map(([key, value]) => [
        key === "__proto__" ? PROTO_ALIAS : key,
        value,
      ]),
    );
  if (Array.isArray(required))
    out["required"] = required.map((key) => (key === "__proto__" ? PROTO_ALIAS : key));
  return out;
}

function aliasProtoData(value: Json): Json {
  if (Array.isArray(value))
    return value.some((item) => typeof item === "object" && item !== null)
      ? value.map(aliasProtoData)
      : value;
  if (!isObject(value)) return value;
  return fromEntries(
    Object.entries(value).map(([key, item]) => [
      key === "__proto__" ? PROTO_ALIAS : key,
      aliasProtoData(item),
    ]),
  );
}

function collectFormats(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectFormats(item, into);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "format" && typeof value === "string" && !CHECKED_FORMATS.has(value))
        into.add(value);
      else if (key !== "enum" && key !== "default" && key !== "const") collectFormats(value, into);
    }
  }
}

/** `#/components/schemas/<Name>...` with each pointer token percent-encoded, as a URI fragment must be. */
function uriFragment(ref: string): string {
  if (!ref.startsWith("#")) return ref;
  return (
    "#" +
    ref
      .slice(1)
      .split("/")
      .map((token) => encodeURIComponent(token))
      .join("/")
  );
}
