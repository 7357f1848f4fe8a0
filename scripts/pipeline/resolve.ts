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
 * key could hold undefined. The subschema is copied in its place instead (one level: refs inside it stay refs);
 * named schemas are never inlined. Siblings of the `$ref` (nullable, description) stay beside the copy.
 */
function inlineDeepRefs(resolved: ResolvedSchema, refs: $Refs): ResolvedSchema {
  const schema = mapSchema(resolved.path, resolved.schema, (node) => {
    if (!isDeep(node["$ref"])) return node;
    const target = refs.get(node["$ref"] as string) as Json;
    if (!isObject(target)) return node;
    return fromEntries([
      ...Object.entries(target),
      ...Object.entries(node).filter(([key]) => key !== "$ref"),
    ]);
  }) as JsonObject;
  return { ...resolved, schema };
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
