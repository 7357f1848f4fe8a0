/**
 * Stage 2, resolve: every `$ref` is checked against the set and rewritten to the one form the emitter
 * knows, `#/components/schemas/<Name>[/more]`. Then json-schema-ref-parser resolves each one inside the
 * combined document, with every external resolver off: nothing is read from disk or the network.
 */
import type { $Refs } from "@apidevtools/json-schema-ref-parser";
import { SchemaError, place } from "./errors.js";
import { fromEntries, isObject, setOwn, type Json, type JsonObject } from "./json.js";
import type { LoadedSchema, SchemaSet } from "./load.js";
import { decodePointerToken } from "./pointer.js";
import { COMPONENTS_PREFIX, componentRef } from "./refs.js";
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

/** Maps one `$ref` onto `#/components/schemas/<Name>...`, refusing anything that leaves the set. */
function canonicalRef(
  ref: string,
  self: LoadedSchema,
  nameByFile: Map<string, string>,
  names: Set<string>,
  path: Path,
) {
  const refuse = (why: string): never => {
    throw new SchemaError(self.path, place([...path, "$ref"]), `$ref "${ref}" ${why}`);
  };
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
    refuse(
      /^https?:/i.test(ref)
        ? "is a remote URL: generate never touches the network; vendor the schema with sync"
        : "is a URL: only references inside the schema set are followed",
    );
  }
  if (ref.startsWith("/") || ref.startsWith("\\") || /^[a-z]:[\\/]/i.test(ref))
    refuse("is an absolute path: only references inside the schema set are followed");
  const hash = ref.indexOf("#");
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? "" : ref.slice(hash + 1);

  let targetName = self.name;
  let rest = fragment;
  if (filePart !== "") {
    const segments = filePart
      .replace(/\\/g, "/")
      .split("/")
      .filter((s) => s !== "." && s !== "");
    if (segments.includes(".."))
      refuse("leaves the schema folder: only references inside the schema set are followed");
    if (segments.length !== 1)
      refuse("points into a subfolder, which is not part of the schema set");
    const name = nameByFile.get(segments[0]!);
    if (name === undefined) refuse(`names a file that is not in the schema set`);
    targetName = name!;
  } else if (fragment.startsWith("/components/schemas/")) {
    const tail = fragment.slice("/components/schemas/".length);
    const slash = tail.indexOf("/");
    const token = slash === -1 ? tail : tail.slice(0, slash);
    targetName = decodePointerToken(token, { uriFragment: true });
    rest = slash === -1 ? "" : tail.slice(slash);
    if (!names.has(targetName))
      refuse(`points at "${targetName}", which no file in the schema set declares`);
  }
  if (rest !== "" && !rest.startsWith("/"))
    refuse("uses a plain-name fragment (anchor), which is not supported");
  if (rest === "/") rest = "";
  return { canonical: componentRef(targetName, rest), target: targetName };
}

function oneLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0]!;
}
