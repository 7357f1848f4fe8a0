/**
 * The instance generator: JSON values built from each schema itself, read with OpenAPI 3.0's meaning.
 *
 * One base instance per schema (every optional key present, the first enum value, the first branch of
 * each union, one item per array, the smallest instance of each referenced schema). Every other instance
 * differs from the base in exactly one place: a valid *variant* (an optional key absent, null where
 * nullable, another enum value, another union branch, an empty array, the schema's own example, a deeper
 * recursion) or an invalid *mutant* (a required key removed, null where not nullable, a value outside
 * the enum, a wrong primitive, an object where an array belongs and the reverse, a wrong array item).
 * The count grows with the size of the schema, never with the product of its choices.
 *
 * A referenced schema is not re-varied inside every schema that uses it: it is checked on its own. At a
 * `$ref` the generator places its smallest instance, varies it to its fullest, and mutates its kind.
 *
 * For a body of an operation, the schemas are one direction's reading (direction-rule.ts: a key hidden
 * there has the schema `false`, so no valid instance holds it), and for every object below the root that
 * declares such a key the generator adds an instance that reaches the object without it (valid) and one with
 * it (invalid: a readOnly key sent in a request, a writeOnly key returned in a response).
 *
 * The generator only proposes; the judge (ajv) decides what is valid.
 */
import { isObject, setOwn, type Json, type JsonObject } from "../pipeline/json.js";
import { pointer } from "../pipeline/pointer.js";
import { COMPONENTS_PREFIX, componentRefTokens } from "../pipeline/refs.js";
import type { NodeJudge } from "./judge.js";

export type Intent = "valid" | "invalid";
/** Where a value came from: the generator's own choice, or the schema's `example` / `default`. */
export type Origin = "generated" | "example" | "default";

export interface Candidate {
  schema: string;
  intent: Intent;
  origin: Origin;
  /** What this instance varies, e.g. `/data/attributes/status: enum value "complete"`. */
  label: string;
  value: Json;
  /** An invalid instance that is valid but for one key its direction leaves out (readOnly in a request, ...). */
  hiddenKey?: true;
}

export interface GeneratorOptions {
  /** How many times a schema may nest inside itself in one instance (e.g. Step inside Step). */
  recursionDepth?: number;
  /**
   * Consulted at unions and intersections, so that a proposal picks exactly one `oneOf` branch when meant
   * valid and no branch at all when meant invalid. Without it, every proposal goes through unfiltered.
   */
  judge?: NodeJudge;
  /**
   * The schemas are one direction's reading (direction-rule.ts): the properties it hides are `false`. With
   * this, the generator also proposes, for every object that declares such a key anywhere below the root
   * (through `$ref`s, unions, allOf, arrays), a valid instance that reaches the object and leaves the key out,
   * and the same instance with the key added (a valid value of its schema), which is invalid.
   */
  hidden?: HiddenKeys;
}

/** The keys one direction leaves out (direction-rule.ts's DirectedView is one). */
export interface HiddenKeys {
  /** The keyword that hides them: "readOnly" (requests) or "writeOnly" (responses). */
  flag: string;
  /** For a `properties` object of the schemas and one of its keys: its schema before it was hidden. */
  hiddenProperty(properties: JsonObject, key: string): Json | undefined;
}

/** A proposal the generator set aside before it became a candidate, and why. */
export interface Skipped {
  schema: string;
  what: string;
  reason: string;
}

export interface Generated {
  candidates: Candidate[];
  skipped: Skipped[];
  /** Set when no finite instance could be built (e.g. a required key that refers back to its schema). */
  problem?: string;
}

const DELETE = Symbol("delete");
type Path = readonly (string | number)[];
type Kind = "object" | "array" | "string" | "number" | "boolean" | "null";
type Kinds = Set<Kind> | "any";

interface Alt {
  path: Path;
  value: Json | typeof DELETE;
  what: string;
  origin: Origin;
  /** A whole-value kind swap (null, wrong primitive, object/array); a union recomputes these itself. */
  kindSwap?: boolean;
}

interface Gen {
  /** Undefined when no finite value exists within the recursion bound. */
  base: Json | undefined;
  variants: Alt[];
  mutants: Alt[];
}

interface Context {
  schemas: ReadonlyMap<string, JsonObject>;
  depth: number;
  /** Names whose trees the current value sits in: the schema under test, then recursive expansions. */
  stack: readonly string[];
  minimalMemo: Map<string, Json | undefined>;
  minimalVisiting: Set<string>;
  judge: NodeJudge | undefined;
  skipped: { what: string; reason: string }[];
  /** The instance path of the node being generated (for messages only). */
  at: (string | number)[];
}

/** Generates the candidate instances of one named schema of the set. */
export function generateInstances(
  schemas: ReadonlyMap<string, JsonObject>,
  name: string,
  options: GeneratorOptions = {},
): Generated {
  const root = schemas.get(name);
  if (root === undefined) throw new Error(`no schema named "${name}"`);
  return generateFrom(schemas, name, root, [name], options);
}

/**
 * Generates the candidate instances of a schema node that is no schema of the set, e.g. the schema of a
 * request or response body. A `$ref` to a whole schema is generated as that schema itself (named by it in the
 * candidates); any other node is named `subject`.
 */
export function generateNodeInstances(
  schemas: ReadonlyMap<string, JsonObject>,
  subject: string,
  root: Json,
  options: GeneratorOptions = {},
): Generated {
  const whole =
    isObject(root) && Object.keys(root).length === 1 && typeof root["$ref"] === "string"
      ? componentRefTokens(root["$ref"])
      : undefined;
  if (whole?.length === 1) return generateInstances(schemas, whole[0]!, options);
  return generateFrom(schemas, subject, root, [], options);
}

function generateFrom(
  schemas: ReadonlyMap<string, JsonObject>,
  name: string,
  root: Json,
  stack: readonly string[],
  options: GeneratorOptions,
): Generated {
  const context: Context = {
    schemas,
    depth: options.recursionDepth ?? 3,
    stack,
    minimalMemo: new Map(),
    minimalVisiting: new Set(),
    judge: options.judge,
    skipped: [],
    at: [],
  };
  const generated = gen(root, context);
  const base = generated.base;
  const skipped = () => context.skipped.map((s) => ({ schema: name, ...s }));
  if (base === undefined) {
    const causes = skipped()
      .filter((s) => s.reason.startsWith(NO_VALUE))
      .map((s) => `${s.what}: ${s.reason}`);
    const problem =
      causes.length > 0
        ? `no valid instance can be built (${causes.slice(0, 2).join("; ")})`
        : "no finite instance: every way to build one recurses without end";
    // Whole-value kind swaps need no base; they are invalid however the rest would look.
    const candidates = generated.mutants
      .filter((alt) => alt.path.length === 0 && alt.kindSwap)
      .map((alt): Candidate => ({
        schema: name,
        intent: "invalid",
        origin: "generated",
        label: label(alt),
        value: alt.value as Json,
      }));
    return { candidates, skipped: skipped(), problem };
  }

  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const add = (
    intent: Intent,
    origin: Origin,
    label: string,
    value: Json | typeof DELETE,
    hiddenKey = false,
  ) => {
    if (value === DELETE) return;
    const key = intent + JSON.stringify(value);
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push({
      schema: name,
      intent,
      origin,
      label,
      value,
      ...(hiddenKey ? { hiddenKey: true as const } : {}),
    });
  };
  add("valid", "generated", "base: every optional key present", base);
  for (const alt of generated.variants) add("valid", alt.origin, label(alt), apply(base, alt));
  for (const alt of generated.mutants) add("invalid", alt.origin, label(alt), apply(base, alt));
  if (options.hidden !== undefined) {
    for (const site of hiddenSites(root, options.hidden, context)) {
      add("valid", "generated", site.validLabel, site.valid);
      add("invalid", "generated", site.invalidLabel, site.invalid, true);
    }
  }
  return { candidates, skipped: skipped() };
}

function label(alt: Alt): string {
  return `${alt.path.length === 0 ? "(root)" : pointer(alt.path)}: ${alt.what}`;
}

// ---------------------------------------------------------------------------------------------------
// Generation with variants and mutants

function gen(schema: Json, c: Context): Gen {
  // The `false` schema admits no value (the direction rule writes it for a key that must be absent).
  if (schema === false) return { base: undefined, variants: [], mutants: [] };
  const node = isObject(schema) ? schema : {};
  const nullable = node["nullable"] === true;
  let g: Gen;
  if (typeof node["$ref"] === "string") {
    g = genRef(node["$ref"], c);
  } else {
    const union = listOf(node["oneOf"]) ? "oneOf" : listOf(node["anyOf"]) ? "anyOf" : undefined;
    const parts = intersectionParts(node);
    if (parts !== undefined) {
      g = genAllOf(node, parts, c);
    } else if (union !== undefined) {
      g = genUnion(node, node[union] as Json[], union, c);
    } else if (Array.isArray(node["enum"])) {
      g = genEnum(node["enum"]);
    } else {
      const type =
        typeof node["type"] === "string"
          ? node["type"]
          : isObject(node["properties"]) || "required" in node
            ? "object"
            : undefined;
      if (type === "object") g = genObject(node, c);
      else if (type === "array") g = genArray(node, c);
      else if (type === "string" || type === "integer" || type === "number" || type === "boolean")
        g = genPrimitive(type, node);
      else g = genAny();
    }
  }
  if (nullable && g.base === undefined) {
    // Nothing but null is valid here; only whole-value mutants still make sense.
    g = { base: null, variants: [], mutants: g.mutants.filter((alt) => alt.path.length === 0) };
  } else if (nullable)
    g.variants.push({ path: [], value: null, what: "null (nullable)", origin: "generated" });
  g.mutants.push(...kindMutants(kindsOf(node, c.schemas)));
  for (const [keyword, origin] of [
    ["example", "example"],
    ["default", "default"],
  ] as const) {
    if (!(keyword in node)) continue;
    const what = `the schema's ${keyword}`;
    const undeclared = undeclaredKey(node, node[keyword]!, c.schemas);
    // Schema objects admit unknown keys; object literals of the types reject them on purpose (typos).
    if (undeclared === undefined)
      g.variants.push({ path: [], value: node[keyword]!, what, origin });
    else if (undeclared.hidden)
      skip(
        c,
        [],
        what,
        `has a key this direction leaves out (${undeclared.at}): readOnly in a request, writeOnly in a response`,
      );
    else
      skip(
        c,
        [],
        what,
        `has a key the schema does not declare (${undeclared.at}); typed object literals reject unknown keys by design`,
      );
  }
  return g;
}

function genRef(ref: string, c: Context): Gen {
  const target = deref(ref, c.schemas);
  const smallest = minimalRef(ref, c);
  const fullest = fullValue(target.node, { ...c, stack: [...c.stack, target.name] });
  const variants: Alt[] = [];
  if (fullest !== undefined && smallest !== undefined) {
    const recursive = c.stack.includes(target.name);
    variants.push({
      path: [],
      value: fullest,
      what: `${target.name} with every optional key${recursive ? `, nested ${c.depth} deep` : ""}`,
      origin: "generated",
    });
  }
  if (smallest === undefined && fullest === undefined)
    skip(
      c,
      [],
      `$ref ${target.name}`,
      `${NO_VALUE}: ${target.name} has no valid instance the generator can build`,
    );
  return { base: smallest ?? fullest, variants, mutants: [] };
}

function genObject(node: JsonObject, c: Context): Gen {
  const properties = isObject(node["properties"]) ? node["properties"] : {};
  const required = new Set(stringList(node["required"]));
  const keys = [
    ...Object.keys(properties),
    ...[...required].filter((k) => !Object.hasOwn(properties, k)),
  ];
  const variants: Alt[] = [];
  const mutants: Alt[] = [];
  const base: JsonObject = {};
  const smallest: JsonObject = {};
  let complete = true;
  let smallestComplete = true;
  for (const key of keys) {
    c.at.push(key);
    const child = gen(Object.hasOwn(properties, key) ? properties[key]! : {}, c);
    c.at.pop();
    const isRequired = required.has(key);
    if (child.base === undefined) {
      if (isRequired) complete = false;
      continue;
    }
    setOwn(base, key, child.base);
    if (isRequired) {
      const small = minimalValue(Object.hasOwn(properties, key) ? properties[key]! : {}, c);
      if (small === undefined) smallestComplete = false;
      else setOwn(smallest, key, small);
      mutants.push({
        path: [key],
        value: DELETE,
        what: "required key removed",
        origin: "generated",
      });
    } else {
      variants.push({
        path: [key],
        value: DELETE,
        what: "optional key absent",
        origin: "generated",
      });
    }
    variants.push(...child.variants.map((alt) => under(key, alt)));
    mutants.push(...child.mutants.map((alt) => under(key, alt)));
  }
  if (!complete) return { base: undefined, variants: [], mutants: [] };
  if (smallestComplete && keys.length > required.size) {
    variants.push({
      path: [],
      value: smallest,
      what: "only the required keys",
      origin: "generated",
    });
  }
  const additional = node["additionalProperties"];
  const closed = additional === false || node["maxProperties"] === 0;
  if (keys.length === 0 && !closed) {
    const value = isObject(additional) ? gen(additional, c).base : "any value";
    if (value !== undefined)
      variants.push({
        path: [],
        value: { any_key: value },
        what: "a free-form key",
        origin: "generated",
      });
  }
  if (closed && !Object.hasOwn(base, "unexpected_key")) {
    const value: JsonObject = {};
    for (const [key, item] of Object.entries(base)) setOwn(value, key, item);
    setOwn(value, "unexpected_key", "any value");
    mutants.push({
      path: [],
      value,
      what:
        keys.length === 0
          ? "a key where the object admits none"
          : "a key the closed object does not declare",
      origin: "generated",
    });
  }
  return { base, variants, mutants };
}

function genArray(node: JsonObject, c: Context): Gen {
  c.at.push(0);
  const item = gen(node["items"] ?? {}, c);
  c.at.pop();
  if (item.base === undefined) return { base: [], variants: [], mutants: [] };
  return {
    base: [item.base],
    variants: [
      { path: [], value: [], what: "empty array", origin: "generated" },
      ...item.variants.map((alt) => under(0, alt)),
    ],
    mutants: item.mutants.map((alt) => ({
      ...under(0, alt),
      what: `wrong array item: ${alt.what}`,
    })),
  };
}

function genEnum(values: Json[]): Gen {
  if (values.length === 0) return { base: undefined, variants: [], mutants: [] };
  const variants = values.slice(1).map((value): Alt => ({
    path: [],
    value,
    what: `enum value ${JSON.stringify(value)}`,
    origin: "generated",
  }));
  const outside = outsideEnum(values);
  const mutants: Alt[] =
    outside === undefined
      ? []
      : [
          {
            path: [],
            value: outside,
            what: `value outside the enum (${JSON.stringify(outside)})`,
            origin: "generated",
          },
        ];
  return { base: values[0]!, variants, mutants };
}

function genPrimitive(type: "string" | "integer" | "number" | "boolean", node: JsonObject): Gen {
  if (type === "boolean")
    return {
      base: true,
      variants: [{ path: [], value: false, what: "false", origin: "generated" }],
      mutants: [],
    };
  return { base: primitiveValue(type, node), variants: [], mutants: [] };
}

function genAny(): Gen {
  const values: [Json, string][] = [
    [1, "a number"],
    [true, "a boolean"],
    [{ any_key: 1 }, "an object"],
    [[1], "an array"],
    [null, "null"],
  ];
  return {
    base: "any value",
    variants: values.map(([value, what]) => ({
      path: [],
      value,
      what: `any value: ${what}`,
      origin: "generated",
    })),
    mutants: [],
  };
}

function genUnion(node: JsonObject, branches: Json[], keyword: string, c: Context): Gen {
  const gens = branches.map((branch) => gen(branch, c));
  const judge = c.judge;
  // Valid here means: the union accepts it, i.e. exactly one branch for oneOf.
  const fits = (value: Json | typeof DELETE) =>
    value !== DELETE && (judge === undefined || judge.accepts(node, value));
  // Invalid here means: no branch accepts it, even with formats ignored (a union type is inclusive).
  const fitsNone = (value: Json | typeof DELETE) =>
    value !== DELETE &&
    (judge === undefined ||
      (!judge.acceptsIgnoringFormats(node, value) &&
        branches.every((b) => !judge.acceptsIgnoringFormats(b, value))));
  let chosen = gens.findIndex((g) => g.base !== undefined && fits(g.base));
  // No branch value fits (e.g. three identical object branches: every object matches all three). Without
  // a judge, the first branch is the best guess; with one, there is no valid value here but null, if nullable.
  if (chosen === -1 && judge === undefined) chosen = gens.findIndex((g) => g.base !== undefined);
  if (chosen === -1) {
    const mutants = gens.flatMap((g, i) =>
      g.base === undefined
        ? []
        : g.mutants
            .filter((alt) => !(alt.kindSwap && alt.path.length === 0))
            .map((alt): Alt => ({
              ...alt,
              path: [],
              value: apply(g.base!, alt),
              what: `${keyword}[${i}] ${label(alt)}`,
              kindSwap: false,
            })),
    );
    const why = `the ${keyword} accepts none of its branches' values${keyword === "oneOf" ? " (each matches several branches, or none)" : ""}`;
    skip(
      c,
      [],
      `every branch of the ${keyword}`,
      node["nullable"] === true ? `only null is valid here: ${why}` : `${NO_VALUE}: ${why}`,
    );
    return { base: undefined, variants: [], mutants: mutants.filter((alt) => fitsNone(alt.value)) };
  }
  const variants: Alt[] = [];
  const mutants: Alt[] = [];
  const keep = (
    into: Alt[],
    alt: Alt,
    whole: Json | typeof DELETE,
    test: (v: Json | typeof DELETE) => boolean,
    reason: string,
  ) => {
    if (test(whole)) into.push(alt);
    else skip(c, alt.path, alt.what, reason);
  };
  const ambiguous = `the ${keyword} does not accept it (it matches ${keyword === "oneOf" ? "no or several branches" : "no branch"})`;
  const stillValid = `another branch of the ${keyword} accepts it`;
  gens.forEach((g, i) => {
    if (g.base === undefined) return;
    const ownMutants = g.mutants.filter((alt) => !(alt.kindSwap && alt.path.length === 0));
    if (i === chosen) {
      for (const alt of g.variants)
        keep(
          variants,
          { ...alt, what: `${keyword}[${i}] ${alt.what}` },
          apply(g.base, alt),
          fits,
          ambiguous,
        );
      for (const alt of ownMutants)
        keep(
          mutants,
          { ...alt, what: `${keyword}[${i}] ${alt.what}` },
          apply(g.base, alt),
          fitsNone,
          stillValid,
        );
      return;
    }
    // Another branch: its alternatives are relative to its own base, so they become whole values here.
    const whole = (alt: Alt): Alt => ({
      path: [],
      value: apply(g.base!, alt),
      what: `${keyword}[${i}] ${label(alt)}`,
      origin: alt.origin,
      kindSwap: false,
    });
    keep(
      variants,
      { path: [], value: g.base, what: `${keyword}[${i}]`, origin: "generated" },
      g.base,
      fits,
      ambiguous,
    );
    for (const alt of g.variants.map(whole)) keep(variants, alt, alt.value, fits, ambiguous);
    for (const alt of ownMutants.map(whole)) keep(mutants, alt, alt.value, fitsNone, stillValid);
  });
  return { base: gens[chosen]!.base, variants, mutants };
}

function genAllOf(node: JsonObject, parts: Json[], c: Context): Gen {
  const gens = parts.map((part) => gen(part, c));
  if (gens.some((g) => g.base === undefined)) return { base: undefined, variants: [], mutants: [] };
  const base = gens.map((g) => g.base as Json).reduce(merge);
  const judge = c.judge;
  // An alternative of one part must still satisfy (or, for a mutant, still fail) the whole intersection.
  const fits = (value: Json | typeof DELETE) =>
    value !== DELETE && (judge === undefined || judge.accepts(node, value));
  const fails = (value: Json | typeof DELETE) =>
    value !== DELETE && (judge === undefined || !judge.acceptsIgnoringFormats(node, value));
  const variants: Alt[] = [];
  const mutants: Alt[] = [];
  gens.forEach((g, i) => {
    // A whole-value alternative of one part still has to satisfy the others: merge it over the base.
    const overBase = (alt: Alt): Alt =>
      alt.path.length === 0 && alt.value !== DELETE && !alt.kindSwap
        ? { ...alt, value: merge(base, alt.value) }
        : alt;
    for (const alt of g.variants.map(overBase)) {
      const tagged = { ...alt, what: `allOf[${i}] ${alt.what}` };
      const value = apply(base, alt);
      if (fits(value)) variants.push(tagged);
      // Valid for one part, invalid for the whole: exactly what an intersection type must reject.
      else if (fails(value))
        mutants.push({
          ...tagged,
          what: `${tagged.what}, which another part of the allOf rejects`,
          origin: "generated",
        });
      else skip(c, alt.path, tagged.what, "another part of the allOf does not accept it");
    }
    for (const alt of g.mutants.filter((m) => !(m.kindSwap && m.path.length === 0))) {
      const tagged = { ...alt, what: `allOf[${i}] ${alt.what}` };
      if (fails(apply(base, alt))) mutants.push(tagged);
      else skip(c, alt.path, tagged.what, "the allOf still accepts it");
    }
  });
  return { base, variants, mutants };
}

/** Why no value could be built at a place: the prefix marks the reasons that can leave a schema with no instance. */
const NO_VALUE = "no valid value";

function skip(c: Context, path: Path, what: string, reason: string): void {
  const at = [...c.at, ...path];
  c.skipped.push({ what: `${at.length === 0 ? "(root)" : pointer(at)}: ${what}`, reason });
}

function under(key: string | number, alt: Alt): Alt {
  return { ...alt, path: [key, ...alt.path] };
}

// ---------------------------------------------------------------------------------------------------
// Plain values: the smallest instance (required keys only) and the fullest (every key)

function minimalRef(ref: string, c: Context): Json | undefined {
  if (c.minimalMemo.has(ref)) return c.minimalMemo.get(ref);
  if (c.minimalVisiting.has(ref)) return undefined;
  c.minimalVisiting.add(ref);
  const value = minimalValue(deref(ref, c.schemas).node, c);
  c.minimalVisiting.delete(ref);
  c.minimalMemo.set(ref, value);
  return value;
}

function minimalValue(schema: Json, c: Context): Json | undefined {
  return orNull(schema, minimalShape(schema, c));
}

function minimalShape(schema: Json, c: Context): Json | undefined {
  if (schema === false) return undefined;
  const node = isObject(schema) ? schema : {};
  if (typeof node["$ref"] === "string") return minimalRef(node["$ref"], c);
  const parts = intersectionParts(node);
  if (parts !== undefined) return mergeAll(parts.map((part) => minimalValue(part, c)));
  const union = listOf(node["oneOf"]) ?? listOf(node["anyOf"]);
  if (union !== undefined)
    return pickBranch(
      node,
      union.map((branch) => () => minimalValue(branch, c)),
      c,
    );
  if (Array.isArray(node["enum"])) return node["enum"].length > 0 ? node["enum"][0] : undefined;
  const type = shapeType(node);
  if (type === "object") {
    const properties = isObject(node["properties"]) ? node["properties"] : {};
    const out: JsonObject = {};
    for (const key of stringList(node["required"])) {
      const value = minimalValue(Object.hasOwn(properties, key) ? properties[key]! : {}, c);
      if (value === undefined) return undefined;
      setOwn(out, key, value);
    }
    return out;
  }
  if (type === "array") return [];
  return scalarValue(type, node);
}

function fullValue(schema: Json, c: Context): Json | undefined {
  return orNull(schema, fullShape(schema, c));
}

function fullShape(schema: Json, c: Context): Json | undefined {
  if (schema === false) return undefined;
  const node = isObject(schema) ? schema : {};
  if (typeof node["$ref"] === "string") {
    const target = deref(node["$ref"], c.schemas);
    const times = c.stack.filter((name) => name === target.name).length;
    // Recursion goes deeper only into the schemas whose trees we are in, and only to the bound.
    if (times > 0 && times < c.depth)
      return fullValue(target.node, { ...c, stack: [...c.stack, target.name] });
    return minimalRef(node["$ref"], c);
  }
  const parts = intersectionParts(node);
  if (parts !== undefined) return mergeAll(parts.map((part) => fullValue(part, c)));
  const union = listOf(node["oneOf"]) ?? listOf(node["anyOf"]);
  if (union !== undefined)
    return pickBranch(
      node,
      union.map((branch) => () => fullValue(branch, c)),
      c,
    );
  if (Array.isArray(node["enum"])) return node["enum"].length > 0 ? node["enum"][0] : undefined;
  const type = shapeType(node);
  if (type === "object") {
    const properties = isObject(node["properties"]) ? node["properties"] : {};
    const required = new Set(stringList(node["required"]));
    const out: JsonObject = {};
    for (const key of new Set([...Object.keys(properties), ...required])) {
      const value = fullValue(Object.hasOwn(properties, key) ? properties[key]! : {}, c);
      if (value === undefined) {
        if (required.has(key)) return undefined;
        continue;
      }
      setOwn(out, key, value);
    }
    return out;
  }
  if (type === "array") {
    const item = fullValue(node["items"] ?? {}, c);
    return item === undefined ? [] : [item];
  }
  return scalarValue(type, node);
}

/** When no shape can be built, `null` still is one for a nullable node. */
function orNull(schema: Json, value: Json | undefined): Json | undefined {
  return value === undefined && isObject(schema) && schema["nullable"] === true ? null : value;
}

/** allOf, or a union beside other keywords (which is an intersection of the two), as a list of parts. */
function intersectionParts(node: JsonObject): Json[] | undefined {
  const union = listOf(node["oneOf"]) ? "oneOf" : listOf(node["anyOf"]) ? "anyOf" : undefined;
  const structural = ["type", "properties", "items", "enum", "required"].some((key) => key in node);
  if (!listOf(node["allOf"]) && !(union !== undefined && structural)) return undefined;
  const parts: Json[] = [...(listOf(node["allOf"]) ?? [])];
  if (union !== undefined) parts.push({ [union]: node[union] as Json });
  if (structural)
    parts.push(omit(node, ["allOf", "oneOf", "anyOf", "nullable", "example", "default"]));
  return parts;
}

function shapeType(node: JsonObject): string | undefined {
  if (typeof node["type"] === "string") return node["type"];
  return isObject(node["properties"]) || "required" in node ? "object" : undefined;
}

function scalarValue(type: string | undefined, node: JsonObject): Json {
  if (type === "boolean") return true;
  if (type === "string" || type === "integer" || type === "number")
    return primitiveValue(type, node);
  return "any value";
}

/** Format-correct strings: the judge checks formats, the types do not, so valid instances must pass both. */
const FORMAT_VALUES: Record<string, string> = {
  "date-time": "2022-11-08T00:00:00+00:00",
  date: "2022-11-08",
  time: "12:00:00Z",
  uri: "https://example.com/",
  "uri-reference": "https://example.com/",
  email: "someone@example.com",
  uuid: "123e4567-e89b-12d3-a456-426614174000",
  hostname: "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
};

function primitiveValue(type: "string" | "integer" | "number", node: JsonObject): Json {
  if (type === "integer") return 1;
  if (type === "number") return 1.5;
  const format = node["format"];
  return typeof format === "string" && Object.hasOwn(FORMAT_VALUES, format)
    ? FORMAT_VALUES[format]!
    : "text";
}

function outsideEnum(values: Json[]): Json | undefined {
  if (values.every((v) => typeof v === "string")) {
    let candidate = "not-in-the-enum";
    while (values.includes(candidate)) candidate += "!";
    return candidate;
  }
  if (values.every((v) => typeof v === "number")) return Math.max(...(values as number[])) + 1;
  if (values.every((v) => typeof v === "boolean"))
    return values.includes(true) ? (values.includes(false) ? undefined : false) : true;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Keys a direction leaves out: for each object below the root that declares one, an instance that reaches
// the object (valid), and the same with the key added (invalid)

/** One step from a schema node to another: through a `$ref`, into a part, a property, or the array items. */
type Step =
  | { ref: string }
  | { part: "allOf" | "anyOf" | "oneOf"; index: number }
  | { key: string }
  | { items: true };

interface HiddenSite {
  valid: Json;
  validLabel: string;
  invalid: Json;
  invalidLabel: string;
}

const FLAG_MEANING: Record<string, string> = {
  readOnly: "the API sends it; a request must not",
  writeOnly: "a request sends it; a response never carries it",
};

/**
 * Walks the schema graph from `root` breadth first (each node once, so by the shortest way), and for each
 * hidden key of each object node it meets builds the instance along that way: the smallest value at every
 * step, the step's own key or branch or item filled in. The judge keeps only pairs whose valid instance it
 * accepts and whose invalid one it rejects even ignoring formats; the others are set aside with a reason.
 */
function hiddenSites(root: Json, hidden: HiddenKeys, c: Context): HiddenSite[] {
  const sites: HiddenSite[] = [];
  const visited = new Set<object>();
  const queue: { node: Json; steps: Step[] }[] = [{ node: root, steps: [] }];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { node, steps } = next;
    if (!isObject(node) || visited.has(node)) continue;
    visited.add(node);
    if (typeof node["$ref"] === "string") {
      // OpenAPI 3.0: a `$ref` ignores its siblings.
      queue.push({
        node: deref(node["$ref"], c.schemas).node,
        steps: [...steps, { ref: node["$ref"] }],
      });
      continue;
    }
    for (const keyword of ["allOf", "anyOf", "oneOf"] as const)
      (listOf(node[keyword]) ?? []).forEach((part, index) =>
        queue.push({ node: part, steps: [...steps, { part: keyword, index }] }),
      );
    const properties = node["properties"];
    if (isObject(properties))
      for (const [key, value] of Object.entries(properties)) {
        const was = hidden.hiddenProperty(properties, key);
        if (was === undefined) queue.push({ node: value, steps: [...steps, { key }] });
        else {
          const site = hiddenSite(root, steps, key, was, hidden.flag, c);
          if (site !== undefined) sites.push(site);
        }
      }
    if (node["items"] !== undefined)
      queue.push({ node: node["items"], steps: [...steps, { items: true }] });
  }
  return sites;
}

function hiddenSite(
  root: Json,
  steps: readonly Step[],
  key: string,
  schema: Json,
  flag: string,
  c: Context,
): HiddenSite | undefined {
  const at = steps.flatMap((step): (string | number)[] =>
    "key" in step ? [step.key] : "items" in step ? [0] : [],
  );
  const where = at.length === 0 ? "(root)" : pointer(at);
  const what = `${flag} key ${JSON.stringify(key)}`;
  const fail = (reason: string) => {
    skip(c, at, `the object that declares ${what}`, reason);
    return undefined;
  };
  const keyValue = minimalValue(schema, c) ?? fullValue(schema, c);
  if (keyValue === undefined) return fail(`${NO_VALUE}: the key's schema has no value to add`);
  const valid = through(root, steps, (node) => minimalValue(node, c), c);
  const invalid = through(
    root,
    steps,
    (node) => {
      const value = minimalValue(node, c);
      if (!isObject(value)) return undefined;
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) setOwn(out, k, v);
      setOwn(out, key, keyValue);
      return out;
    },
    c,
  );
  if (valid === undefined || invalid === undefined)
    return fail(`${NO_VALUE}: no instance of the root reaches it`);
  if (c.judge !== undefined && !c.judge.accepts(root, valid))
    return fail("the instance built to reach it is not valid (another step constrains it)");
  if (c.judge !== undefined && c.judge.acceptsIgnoringFormats(root, invalid))
    return fail("the instance with the key added is still valid (another branch accepts it)");
  return {
    valid,
    validLabel: `${where}: an object that declares ${what}, without it`,
    invalid,
    invalidLabel: `${pointer([...at, key])}: ${what} added (${FLAG_MEANING[flag] ?? "hidden in this direction"})`,
  };
}

/** The smallest instance of `node` that goes along `steps`, with `leaf` as the value where they end. */
function through(
  node: Json,
  steps: readonly Step[],
  leaf: (node: Json) => Json | undefined,
  c: Context,
): Json | undefined {
  const [step, ...rest] = steps;
  if (step === undefined) return leaf(node);
  const object = isObject(node) ? node : {};
  if ("ref" in step) return through(deref(step.ref, c.schemas).node, rest, leaf, c);
  if ("items" in step) {
    const item = through(object["items"]!, rest, leaf, c);
    return item === undefined ? undefined : [item];
  }
  if ("key" in step) {
    const own = minimalValue(node, c);
    const child = through((object["properties"] as JsonObject)[step.key]!, rest, leaf, c);
    if (!isObject(own) || child === undefined) return undefined;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(own)) setOwn(out, k, v);
    setOwn(out, step.key, child);
    return out;
  }
  const parts = object[step.part] as Json[];
  const inner = through(parts[step.index]!, rest, leaf, c);
  if (inner === undefined) return undefined;
  // The other parts of an allOf, and the node's own keywords beside a union, still apply: their smallest
  // values go under the step's one.
  const others = [
    ...(step.part === "allOf" ? parts.filter((_, i) => i !== step.index) : []),
    omit(object, ["allOf", "anyOf", "oneOf", "nullable", "example", "default"]),
  ];
  return mergeAll([...others.map((part) => minimalValue(part, c)), inner]);
}

// ---------------------------------------------------------------------------------------------------
// Kinds: which JSON kinds a node admits, so that kind swaps are invalid by construction

function kindsOf(
  schema: Json,
  schemas: ReadonlyMap<string, JsonObject>,
  seen: ReadonlySet<string> = new Set(),
): Kinds {
  const node = isObject(schema) ? schema : {};
  const withNull = (kinds: Kinds): Kinds =>
    kinds !== "any" && node["nullable"] === true ? new Set([...kinds, "null" as const]) : kinds;
  if (typeof node["$ref"] === "string") {
    if (seen.has(node["$ref"])) return "any";
    return withNull(
      kindsOf(deref(node["$ref"], schemas).node, schemas, new Set([...seen, node["$ref"]])),
    );
  }
  const sets: Kinds[] = [];
  for (const part of listOf(node["allOf"]) ?? []) sets.push(kindsOf(part, schemas, seen));
  const union = listOf(node["oneOf"]) ?? listOf(node["anyOf"]);
  if (union !== undefined) {
    const branches = union.map((branch) => kindsOf(branch, schemas, seen));
    sets.push(
      branches.includes("any") ? "any" : new Set(branches.flatMap((k) => [...(k as Set<Kind>)])),
    );
  }
  if (Array.isArray(node["enum"])) sets.push(new Set(node["enum"].map(kindOfValue)));
  if (typeof node["type"] === "string" || Array.isArray(node["type"])) {
    const types = (Array.isArray(node["type"]) ? node["type"] : [node["type"]]) as string[];
    sets.push(new Set(types.map((t) => (t === "integer" ? "number" : t) as Kind)));
  }
  let result: Set<Kind> | undefined;
  for (const set of sets) {
    if (set === "any") continue;
    const before: Set<Kind> | undefined = result;
    result = before === undefined ? set : new Set<Kind>([...before].filter((k) => set.has(k)));
  }
  return withNull(result ?? "any");
}

function kindOfValue(value: Json): Kind {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : (typeof value as "string" | "number" | "boolean");
}

function kindMutants(kinds: Kinds): Alt[] {
  if (kinds === "any") return [];
  const out: Alt[] = [];
  const swap = (value: Json, what: string) =>
    out.push({ path: [], value, what, origin: "generated", kindSwap: true });
  const admitted = [...kinds].join("/") || "nothing";
  if (!kinds.has("null")) swap(null, "null where not nullable");
  const primitive = (
    [
      ["text", "string"],
      [12345, "number"],
      [true, "boolean"],
    ] as const
  ).find(([, kind]) => !kinds.has(kind));
  if (primitive) swap(primitive[0], `wrong primitive: a ${primitive[1]} where ${admitted} belongs`);
  if (kinds.has("object") && !kinds.has("array")) swap([], "an array where an object belongs");
  if (kinds.has("array") && !kinds.has("object")) swap({}, "an object where an array belongs");
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Declared keys: a value with keys no schema node declares is schema-valid (objects are open) but not a
// value the types mean to admit; the schema's own examples are checked for such keys before use.

/**
 * The pointer of the first key in `value` that no applicable schema node declares, if any; `hidden` when the
 * nodes that declare it all admit no value there (a key the direction rule leaves out).
 */
function undeclaredKey(
  schema: Json,
  value: Json,
  schemas: ReadonlyMap<string, JsonObject>,
  path: (string | number)[] = [],
): { at: string; hidden: boolean } | undefined {
  if (!Array.isArray(value) && !isObject(value)) return undefined;
  const nodes = applicableNodes(schema, schemas, new Set());
  // A free-form node (no properties, no items) admits any keys below it.
  if (nodes.some((n) => isFreeForm(n, Array.isArray(value) ? "array" : "object"))) return undefined;
  if (Array.isArray(value)) {
    const items = nodes.map((n) => n["items"]).filter((i): i is Json => i !== undefined);
    for (const [i, item] of value.entries()) {
      const found = undeclaredKey({ anyOf: items }, item, schemas, [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const declaring = nodes
    .filter((n) => isObject(n["properties"]))
    .map((n) => n["properties"] as JsonObject);
  for (const [key, child] of Object.entries(value)) {
    const childSchemas = declaring
      .filter((p) => Object.hasOwn(p, key))
      .map((p) => p[key]!)
      .filter((s) => s !== false);
    if (childSchemas.length === 0)
      return {
        at: pointer([...path, key]),
        hidden: declaring.some((p) => Object.hasOwn(p, key)),
      };
    const found = undeclaredKey({ anyOf: childSchemas }, child, schemas, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The node and every node it applies through `$ref`, `allOf`, `oneOf` and `anyOf`. */
function applicableNodes(
  schema: Json,
  schemas: ReadonlyMap<string, JsonObject>,
  seen: Set<string>,
): JsonObject[] {
  const node = isObject(schema) ? schema : {};
  if (typeof node["$ref"] === "string") {
    if (seen.has(node["$ref"])) return [];
    seen.add(node["$ref"]);
    return applicableNodes(deref(node["$ref"], schemas).node, schemas, seen);
  }
  const out = [node];
  for (const keyword of ["allOf", "oneOf", "anyOf"]) {
    for (const branch of listOf(node[keyword]) ?? [])
      out.push(...applicableNodes(branch, schemas, seen));
  }
  return out;
}

function isFreeForm(node: JsonObject, kind: "object" | "array"): boolean {
  if (["$ref", "allOf", "oneOf", "anyOf", "enum"].some((key) => key in node)) return false;
  const type = node["type"];
  if (type !== undefined && type !== kind) return false;
  if (kind === "array") return node["items"] === undefined;
  if (node["additionalProperties"] !== undefined && node["additionalProperties"] !== false)
    return true;
  return (
    !isObject(node["properties"]) &&
    node["additionalProperties"] !== false &&
    node["maxProperties"] !== 0
  );
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

function deref(
  ref: string,
  schemas: ReadonlyMap<string, JsonObject>,
): { name: string; node: Json } {
  const tokens = componentRefTokens(ref);
  if (tokens === undefined)
    throw new Error(`$ref "${ref}" is not of the form ${COMPONENTS_PREFIX}<Name>`);
  const [first, ...rest] = tokens;
  const root = schemas.get(first!);
  if (root === undefined) throw new Error(`$ref "${ref}" points at no schema of the set`);
  let node: Json = root;
  for (const token of rest) {
    const next: Json | undefined = Array.isArray(node)
      ? node[Number(token)]
      : isObject(node) && Object.hasOwn(node, token)
        ? node[token]
        : undefined;
    if (next === undefined) throw new Error(`$ref "${ref}" points at nothing`);
    node = next;
  }
  return { name: first!, node };
}

/** Applies one alternative to a base value, copying only along its path. */
export function apply(
  base: Json,
  alt: { path: Path; value: Json | typeof DELETE },
): Json | typeof DELETE {
  if (alt.path.length === 0) return alt.value;
  const [head, ...rest] = alt.path;
  if (Array.isArray(base) && typeof head === "number" && head < base.length) {
    const inner = apply(base[head]!, { path: rest, value: alt.value });
    const copy = [...base];
    if (inner === DELETE) copy.splice(head, 1);
    else copy[head] = inner;
    return copy;
  }
  if (isObject(base) && typeof head === "string" && Object.hasOwn(base, head)) {
    const inner = apply(base[head]!, { path: rest, value: alt.value });
    const copy: JsonObject = {};
    for (const [key, value] of Object.entries(base)) {
      if (key !== head) setOwn(copy, key, value);
      else if (inner !== DELETE) setOwn(copy, key, inner);
    }
    return copy;
  }
  throw new Error(
    `internal: the alternative's path ${pointer(alt.path)} is not in the base instance`,
  );
}

/** Deep merge for allOf: objects key by key, otherwise the later value. */
function merge(a: Json, b: Json): Json {
  if (!isObject(a) || !isObject(b)) return b;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(a)) setOwn(out, key, value);
  for (const [key, value] of Object.entries(b))
    setOwn(out, key, Object.hasOwn(out, key) ? merge(out[key]!, value) : value);
  return out;
}

function mergeAll(values: (Json | undefined)[]): Json | undefined {
  if (values.some((v) => v === undefined)) return undefined;
  return (values as Json[]).reduce(merge);
}

/** The first branch's value that the union accepts as a whole (one branch only, for oneOf); else the first built. */
function pickBranch(
  node: JsonObject,
  thunks: (() => Json | undefined)[],
  c: Context,
): Json | undefined {
  let fallback: Json | undefined;
  for (const thunk of thunks) {
    const value = thunk();
    if (value === undefined) continue;
    if (c.judge === undefined || c.judge.accepts(node, value)) return value;
    fallback ??= value;
  }
  // With a judge, a value the union rejects is no value at all (the caller falls back to null or absence).
  return c.judge === undefined ? fallback : undefined;
}

function listOf(value: Json | undefined): Json[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value : undefined;
}

function stringList(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function omit(node: JsonObject, keys: string[]): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) if (!keys.includes(key)) setOwn(out, key, value);
  return out;
}
