/**
 * Keyword-level comparison of one schema's own body, old against new, as written (after load → resolve, so
 * every `$ref` has one form; before normalise, whose rewrites are for the emitter and no business of a reader). It classifies (same / docs / changed) and explains; it never decides what breaks: that is
 * the compiler's job (verdict.ts).
 *
 * "Docs only" means that nothing but annotations differ. The annotations are the keywords that never reach
 * a type, only JSDoc: DOCS_KEYWORDS below. `deprecated`, `format`, `readOnly`/`writeOnly` and validation
 * keywords (`maxLength`, `pattern`, ...) are *not* docs: they say something about the values, so they make
 * a schema `changed` (and the compiler then decides whether that breaks anyone).
 *
 * Set-like keywords compare as sets: the order of `required`, `enum`, `type` lists and of `oneOf`/`anyOf`/
 * `allOf` branches carries no meaning, so reordering them alone is no change.
 */
import { byCodeUnit, isObject, type Json, type JsonObject } from "../pipeline/json.js";
import { componentRefTokens } from "../pipeline/refs.js";
import { mapSchema } from "../pipeline/walk.js";

/** Annotations that reach only JSDoc, never a type. */
export const DOCS_KEYWORDS: readonly string[] = [
  "$comment",
  "default",
  "description",
  "example",
  "examples",
  "externalDocs",
  "summary",
  "title",
];

/** Set-like keywords: order carries no meaning. */
const UNORDERED = ["required", "enum", "type", "oneOf", "anyOf", "allOf"];
const VARIANT_KEYWORDS = ["oneOf", "anyOf", "allOf"] as const;

/**
 * One keyword-level difference. `path` names the place in the type: `$` is the schema itself,
 * `.name` / `["odd name"]` a property, `[]` array items, `[*]` additionalProperties,
 * `<oneOf 2>` the third branch of a oneOf (numbered in the new schema).
 */
export type Detail =
  | { kind: "property-added"; path: string; required: boolean }
  | { kind: "property-removed"; path: string; required: boolean }
  | { kind: "required-added"; path: string }
  | { kind: "required-removed"; path: string }
  | { kind: "nullable-added"; path: string }
  | { kind: "nullable-removed"; path: string }
  | { kind: "enum-value-added"; path: string; value: Json }
  | { kind: "enum-value-removed"; path: string; value: Json }
  | { kind: "type-changed"; path: string; from: string; to: string }
  | { kind: "ref-changed"; path: string; from: string; to: string }
  | { kind: "variant-added"; path: string; keyword: string; variant: string }
  | { kind: "variant-removed"; path: string; keyword: string; variant: string }
  | { kind: "keyword-added"; path: string; keyword: string; value: Json }
  | { kind: "keyword-removed"; path: string; keyword: string; value: Json }
  | { kind: "keyword-changed"; path: string; keyword: string; from: Json; to: Json };

export type Comparison =
  { kind: "same" } | { kind: "docs" } | { kind: "changed"; details: Detail[] };

/** Compares one schema's body as written, old against new. `name` only labels errors. */
export function compareSchemas(name: string, before: JsonObject, after: JsonObject): Comparison {
  // Most schemas of a pair are untouched: equal as they stand, they need no canonical text.
  if (jsonEqual(before, after)) return { kind: "same" };
  if (canonical(name, before, false) === canonical(name, after, false)) return { kind: "same" };
  if (canonical(name, before, true) === canonical(name, after, true)) return { kind: "docs" };
  const details: Detail[] = [];
  diffNode(name, before, after, "$", details);
  return { kind: "changed", details: sortDetails(details) };
}

/**
 * A text that is equal for two schemas exactly when they are the same schema: object keys sorted, set-like
 * keywords sorted, and with `withoutDocs`, the annotation keywords dropped at every schema node.
 */
export function canonical(name: string, schema: Json, withoutDocs: boolean): string {
  const rebuilt = mapSchema(name, schema, (node) => {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (withoutDocs && DOCS_KEYWORDS.includes(key)) continue;
      const sorted =
        UNORDERED.includes(key) && Array.isArray(value)
          ? [...value].sort((a, b) => byCodeUnit(stableStringify(a), stableStringify(b)))
          : value;
      Object.defineProperty(out, key, {
        value: sorted,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  });
  return stableStringify(rebuilt);
}

/**
 * Whether two JSON values are equal as they stand (same keys, same array order). Equal values have equal
 * canonical texts, so this is a quick "same" for the common case; unequal ones may still be the same schema.
 */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i]!, b[i]!)) return false;
    return true;
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.hasOwn(b, key) || !jsonEqual(a[key]!, b[key]!)) return false;
  return true;
}

/** JSON with object keys in code-unit order, built as text so no key (not even `__proto__`) is special. */
export function stableStringify(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort(byCodeUnit);
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify(value[key]!)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function diffNode(
  name: string,
  rawBefore: Json,
  rawAfter: Json,
  path: string,
  out: Detail[],
): void {
  if (!isObject(rawBefore) || !isObject(rawAfter)) {
    // Boolean schemas (`true` / `false`): only whole-value changes are possible.
    if (stableStringify(rawBefore) !== stableStringify(rawAfter))
      out.push({ kind: "type-changed", path, from: label(rawBefore), to: label(rawAfter) });
    return;
  }
  const a = rawBefore;
  const b = rawAfter;
  const handled = new Set<string>(DOCS_KEYWORDS);

  // What kind of value this is: a reference, or a `type`.
  handled.add("$ref").add("type");
  let sameShape = true;
  if (typeof a["$ref"] === "string" && typeof b["$ref"] === "string") {
    if (a["$ref"] !== b["$ref"])
      out.push({ kind: "ref-changed", path, from: refName(a["$ref"]), to: refName(b["$ref"]) });
  } else if (
    typeof a["$ref"] === "string" ||
    typeof b["$ref"] === "string" ||
    setText(a["type"]) !== setText(b["type"])
  ) {
    out.push({ kind: "type-changed", path, from: label(a), to: label(b) });
    sameShape = false;
  }

  handled.add("nullable");
  const nullableBefore = a["nullable"] === true;
  const nullableAfter = b["nullable"] === true;
  if (!nullableBefore && nullableAfter) out.push({ kind: "nullable-added", path });
  if (nullableBefore && !nullableAfter) out.push({ kind: "nullable-removed", path });
  // When the kind of value changed, its inner keywords are not comparable; the type change says it all.
  if (!sameShape) return;

  handled.add("enum");
  if (Array.isArray(a["enum"]) && Array.isArray(b["enum"])) {
    const before = new Map(a["enum"].map((v) => [stableStringify(v), v]));
    const after = new Map(b["enum"].map((v) => [stableStringify(v), v]));
    for (const [key, value] of after)
      if (!before.has(key)) out.push({ kind: "enum-value-added", path, value });
    for (const [key, value] of before)
      if (!after.has(key)) out.push({ kind: "enum-value-removed", path, value });
  } else if (a["enum"] !== undefined || b["enum"] !== undefined) {
    keywordPresence(a, b, "enum", path, out);
  }

  handled.add("properties").add("required");
  if (
    a["properties"] !== undefined ||
    b["properties"] !== undefined ||
    a["required"] !== undefined ||
    b["required"] !== undefined
  ) {
    const propsBefore = isObject(a["properties"]) ? a["properties"] : {};
    const propsAfter = isObject(b["properties"]) ? b["properties"] : {};
    const requiredBefore = new Set(Array.isArray(a["required"]) ? (a["required"] as string[]) : []);
    const requiredAfter = new Set(Array.isArray(b["required"]) ? (b["required"] as string[]) : []);
    const names = new Set([
      ...Object.keys(propsBefore),
      ...Object.keys(propsAfter),
      ...requiredBefore,
      ...requiredAfter,
    ]);
    for (const property of [...names].sort(byCodeUnit)) {
      const at = path + propertySegment(property);
      const inBefore = Object.hasOwn(propsBefore, property);
      const inAfter = Object.hasOwn(propsAfter, property);
      if (inBefore && !inAfter)
        out.push({ kind: "property-removed", path: at, required: requiredBefore.has(property) });
      else if (!inBefore && inAfter)
        out.push({ kind: "property-added", path: at, required: requiredAfter.has(property) });
      else {
        if (inBefore && inAfter)
          diffNode(name, propsBefore[property]!, propsAfter[property]!, at, out);
        if (!requiredBefore.has(property) && requiredAfter.has(property))
          out.push({ kind: "required-added", path: at });
        if (requiredBefore.has(property) && !requiredAfter.has(property))
          out.push({ kind: "required-removed", path: at });
      }
    }
  }

  for (const [keyword, segment] of [
    ["items", "[]"],
    ["additionalProperties", "[*]"],
  ] as const) {
    handled.add(keyword);
    if (isObject(a[keyword]) && isObject(b[keyword]))
      diffNode(name, a[keyword], b[keyword], path + segment, out);
    else keywordPresence(a, b, keyword, path, out);
  }

  for (const keyword of VARIANT_KEYWORDS) {
    handled.add(keyword);
    const before = a[keyword];
    const after = b[keyword];
    if (Array.isArray(before) && Array.isArray(after))
      diffVariants(name, keyword, before, after, path, out);
    else keywordPresence(a, b, keyword, path, out);
  }

  // Everything else (format, readOnly, deprecated, maxLength, ...): reported as the keyword's value.
  const rest = new Set([...Object.keys(a), ...Object.keys(b)].filter((key) => !handled.has(key)));
  for (const keyword of [...rest].sort(byCodeUnit)) keywordPresence(a, b, keyword, path, out);
}

/**
 * Branches of oneOf/anyOf/allOf: equal branches (docs aside) pair up whatever their order; of the rest,
 * branches with the same label (the same `$ref`, or the same `type`) are compared in depth, and the others
 * are reported as added or removed.
 */
function diffVariants(
  name: string,
  keyword: string,
  before: Json[],
  after: Json[],
  path: string,
  out: Detail[],
): void {
  const shape = (branch: Json) => canonical(name, branch, true);
  const unmatchedBefore = before.map((branch, index) => ({ branch, index, shape: shape(branch) }));
  const unmatchedAfter: typeof unmatchedBefore = [];
  for (const [index, branch] of after.entries()) {
    const text = shape(branch);
    const twin = unmatchedBefore.findIndex((entry) => entry.shape === text);
    if (twin === -1) unmatchedAfter.push({ branch, index, shape: text });
    else unmatchedBefore.splice(twin, 1);
  }
  for (const added of unmatchedAfter) {
    const twin = unmatchedBefore.findIndex((entry) => label(entry.branch) === label(added.branch));
    if (twin !== -1) {
      diffNode(
        name,
        unmatchedBefore[twin]!.branch,
        added.branch,
        `${path}<${keyword} ${added.index}>`,
        out,
      );
      unmatchedBefore.splice(twin, 1);
    } else {
      out.push({ kind: "variant-added", path, keyword, variant: label(added.branch) });
    }
  }
  for (const removed of unmatchedBefore)
    out.push({ kind: "variant-removed", path, keyword, variant: label(removed.branch) });
}

function keywordPresence(
  a: JsonObject,
  b: JsonObject,
  keyword: string,
  path: string,
  out: Detail[],
): void {
  const before = a[keyword];
  const after = b[keyword];
  if (before === undefined && after === undefined) return;
  if (before === undefined)
    out.push({ kind: "keyword-added", path, keyword, value: summarise(keyword, after!) });
  else if (after === undefined)
    out.push({ kind: "keyword-removed", path, keyword, value: summarise(keyword, before) });
  else if (stableStringify(before) !== stableStringify(after))
    out.push({
      kind: "keyword-changed",
      path,
      keyword,
      from: summarise(keyword, before),
      to: summarise(keyword, after),
    });
}

/** Subschema-valued keywords are shown by label (a whole schema in a detail would drown the reader). */
function summarise(keyword: string, value: Json): Json {
  if (keyword === "items" || keyword === "additionalProperties" || keyword === "not")
    return label(value);
  if ((VARIANT_KEYWORDS as readonly string[]).includes(keyword) && Array.isArray(value))
    return value.map(label);
  return value;
}

/** A short name for what a schema is: a referenced schema's name, its `type`, or its composition. */
export function label(schema: Json): string {
  if (schema === true) return "any";
  if (schema === false) return "never";
  if (!isObject(schema)) return stableStringify(schema);
  const node = schema;
  if (typeof node["$ref"] === "string") return refName(node["$ref"]);
  if (node["type"] !== undefined)
    return Array.isArray(node["type"])
      ? [...node["type"]].map(String).sort(byCodeUnit).join(" | ")
      : String(node["type"]);
  for (const keyword of ["enum", "const", ...VARIANT_KEYWORDS])
    if (node[keyword] !== undefined) return keyword;
  if (node["properties"] !== undefined) return "object";
  return "any";
}

function refName(ref: string): string {
  return componentRefTokens(ref)?.join("/") ?? ref;
}

function setText(value: Json | undefined): string {
  if (value === undefined) return "";
  return Array.isArray(value)
    ? stableStringify([...value].sort((x, y) => byCodeUnit(stableStringify(x), stableStringify(y))))
    : stableStringify(value);
}

function propertySegment(property: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(property)
    ? `.${property}`
    : `[${JSON.stringify(property)}]`;
}

const KIND_ORDER: Detail["kind"][] = [
  "type-changed",
  "ref-changed",
  "property-removed",
  "property-added",
  "required-added",
  "required-removed",
  "nullable-added",
  "nullable-removed",
  "enum-value-removed",
  "enum-value-added",
  "variant-removed",
  "variant-added",
  "keyword-removed",
  "keyword-added",
  "keyword-changed",
];

/** Deterministic order: by path, then kind, then the rest of the detail's text. */
function sortDetails(details: Detail[]): Detail[] {
  return details
    .map((detail) => ({ detail, key: stableStringify(detail as unknown as Json) }))
    .sort(
      (x, y) =>
        byCodeUnit(x.detail.path, y.detail.path) ||
        KIND_ORDER.indexOf(x.detail.kind) - KIND_ORDER.indexOf(y.detail.kind) ||
        byCodeUnit(x.key, y.key),
    )
    .map((entry) => entry.detail);
}
