/**
 * Stage 2, resolve: every `$ref` is checked against the set and rewritten to the one form the emitter
 * knows, `#/components/schemas/<Name>[/more]`. Then json-schema-ref-parser resolves each one inside the
 * combined document, with every external resolver off: nothing is read from disk or the network.
 */
import type { $Refs } from "@apidevtools/json-schema-ref-parser";
import { SchemaError, place } from "./errors.js";
import { fromEntries, isObject, setOwn, type Json, type JsonObject } from "./json.js";
import type { LoadedSchema, SchemaSet } from "./load.js";
import { classifyRef, COMPONENTS_PREFIX, componentRef, refError } from "./refs.js";
import { mapSchema, type Path } from "./walk.js";

export interface ResolvedSchema extends LoadedSchema {
  /** Names this schema refers to directly, sorted. */
  refersTo: string[];
}

export interface ResolvedSet extends Omit<SchemaSet, "schemas"> {
  schemas: ResolvedSchema[];
  refCount: number;
}

interface RefSite {
  file: string;
  path: Path;
  original: string;
  canonical: string;
}

export async function resolveSchemaSet(set: SchemaSet): Promise<ResolvedSet> {
  const nameByFile = new Map(set.schemas.map((s) => [s.fileName, s.name]));
  const names = new Set(set.schemas.map((s) => s.name));
  const sites: RefSite[] = [];
  const schemas = set.schemas.map((loaded): ResolvedSchema => {
    const refersTo = new Set<string>();
    const schema = mapSchema(loaded.path, loaded.schema, (node, path) => {
      const ref = node["$ref"];
      if (typeof ref !== "string") return node;
      const { canonical, target } = canonicalRef(ref, loaded, nameByFile, names, path);
      refersTo.add(target);
      sites.push({ file: loaded.path, path, original: ref, canonical });
      if (canonical === ref) return node;
      const copy = fromEntries(Object.entries(node));
      setOwn(copy, "$ref", canonical);
      return copy;
    }) as JsonObject;
    return { ...loaded, schema, refersTo: [...refersTo].sort() };
  });

  // The combined document: the set as an OpenAPI 3.0 components object.
  const document = { components: { schemas: fromEntries(schemas.map((s) => [s.name, s.schema])) } };
  const { $RefParser } = await import("@apidevtools/json-schema-ref-parser"); // loaded only when there is work
  const parser = new $RefParser();
  const refs = (await parser.resolve(
    document as never,
    {
      resolve: { external: false, file: false, http: false },
      continueOnError: false,
    } as never,
  )) as unknown as $Refs;
  // Many sites share a target; each distinct pointer is looked up once.
  const checked = new Set<string>();
  for (const site of sites) {
    if (checked.has(site.canonical)) continue;
    try {
      if (refs.get(site.canonical) === undefined) throw new Error("resolves to nothing");
      checked.add(site.canonical);
    } catch (error) {
      throw new SchemaError(
        site.file,
        place([...site.path, "$ref"]),
        `$ref "${site.original}" points at nothing in the schema set (${oneLine(error)})`,
      );
    }
  }
  const deepIn = new Set(sites.filter((site) => isDeep(site.canonical)).map((site) => site.file));
  return {
    dir: set.dir,
    digest: set.digest,
    // Only schemas that hold a ref into another schema are walked again.
    schemas: schemas.map((s) => (deepIn.has(s.path) ? inlineDeepRefs(s, refs) : s)),
    refCount: sites.length,
  };
}

/**
 * A `$ref` into a schema (`#/components/schemas/A/properties/b`) points at an anonymous subschema. openapi-typescript
 * would type it as `components["schemas"]["A"]["b"]`, which carries `| undefined` when `b` is optional, so a required
 * key could hold undefined. The subschema is copied in its place instead, and so are refs into schemas inside the
 * copy, at any depth; refs to whole schemas stay refs, so named schemas are never inlined. Siblings of the `$ref`
 * (nullable, description) stay beside the copy. A ref that must be copied into itself can have no finite type.
 */
function inlineDeepRefs(resolved: ResolvedSchema, refs: $Refs): ResolvedSchema {
  const inline = (schema: Json, at: Path, copying: readonly string[]): Json =>
    mapSchema(
      resolved.path,
      schema,
      (node, path) => {
        const ref = node["$ref"];
        if (!isDeep(ref)) return node;
        const where = place([...at, ...path, "$ref"]);
        if (copying.includes(ref as string)) {
          throw new SchemaError(
            resolved.path,
            where,
            `$ref "${ref}" points into a schema at a subschema that refers back to itself (${[...copying, ref].join(" → ")}); give that subschema a name of its own`,
          );
        }
        const target = refs.get(ref as string) as Json;
        if (!isSchemaPlace(ref as string) || (!isObject(target) && typeof target !== "boolean")) {
          throw new SchemaError(
            resolved.path,
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
  return { ...resolved, schema: inline(resolved.schema, [], []) as JsonObject };
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
function isDeep(ref: unknown): boolean {
  return typeof ref === "string" && ref.indexOf("/", COMPONENTS_PREFIX.length) !== -1;
}

/** Maps one `$ref` onto `#/components/schemas/<Name>...`, refusing a target the set does not have. */
function canonicalRef(
  ref: string,
  self: LoadedSchema,
  nameByFile: Map<string, string>,
  names: Set<string>,
  path: Path,
) {
  const target = classifyRef(ref, self.path, path);
  let name = self.name;
  if (target.kind === "file") {
    const declared = nameByFile.get(target.fileName);
    if (declared === undefined)
      throw refError(self.path, path, ref, "names a file that is not in the schema set");
    name = declared;
  } else if (target.kind === "schema") {
    if (!names.has(target.name))
      throw refError(
        self.path,
        path,
        ref,
        `points at "${target.name}", which no file in the schema set declares`,
      );
    name = target.name;
  }
  return { canonical: componentRef(name, target.rest), target: name };
}

function oneLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0]!;
}
