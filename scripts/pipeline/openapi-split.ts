/**
 * An OpenAPI 3.0 document → the schema folder's layout (layout.ts): one file per object, its `$id` saying
 * where in the document it lives. `splitOpenApiDocument` gives the `components.schemas` files only (what
 * generate, diff and conformance read today); `splitOpenApiLayout` gives every vendored kind: schemas,
 * responses, parameters, request bodies and operations. Pure.
 */
import { SchemaError } from "./errors.js";
import { isObject, type Json, type JsonObject } from "./json.js";
import {
  COMPONENT_NAME,
  COMPONENT_SECTION,
  componentFileBody,
  componentFileName,
  HTTP_METHODS,
  layoutFileText,
  numberedFileName,
  operationFileBody,
  operationFileName,
  schemaFileBody,
  type ComponentKind,
  type HttpMethod,
  type LayoutId,
} from "./layout.js";
import type { SchemaFile } from "./load.js";
import { pointer } from "./pointer.js";

export {
  classifyLayoutId,
  componentFileName,
  componentLayoutId,
  formatLayoutId,
  operationFileName,
  operationLayoutId,
  type LayoutId,
} from "./layout.js";

/** Upstream's file name rule for a schema: `klaviyo-<lowercased name>-schema.json`, the name cut at 60. */
export function upstreamFileName(name: string): string {
  return componentFileName("schema", name);
}

/** One file of the layout, with where its object lives. */
export interface LayoutFile extends SchemaFile {
  id: LayoutId;
  /** The object's place in the document as a JSON Pointer, e.g. `/paths/~1api~1x/post`, for messages. */
  pointer: string;
  /** Operations: their operationId. */
  operationId?: string;
}

/** The schema files of `components.schemas`, in the document's order. */
export function splitOpenApiDocument(
  documentPath: string,
  document: unknown,
  dir: string,
): LayoutFile[] {
  return new Splitter(documentPath, dir).components(document, "schema", true);
}

/**
 * Every vendored object of the document: `components.schemas` (required), `components.responses`,
 * `components.parameters`, `components.requestBodies`, then one file per operation under `paths`, each in
 * the document's order. Path-level `parameters` are merged into each operation's (an operation-level
 * parameter with the same `name` and `in` wins; the path-level ones come first), other path-item keys are
 * dropped. An operation without an operationId, or two operations with one, is an error.
 */
export function splitOpenApiLayout(
  documentPath: string,
  document: unknown,
  dir: string,
): LayoutFile[] {
  const splitter = new Splitter(documentPath, dir);
  const files = splitter.components(document, "schema", true);
  for (const kind of ["response", "parameter", "requestBody"] as const)
    files.push(...splitter.components(document, kind, false));
  files.push(...splitter.operations(document));
  return files;
}

class Splitter {
  /** File name → taken, across every kind of one split. */
  private readonly taken = new Set<string>();

  constructor(
    private readonly documentPath: string,
    private readonly dir: string,
  ) {}

  components(document: unknown, kind: ComponentKind, required: boolean): LayoutFile[] {
    const section = COMPONENT_SECTION[kind];
    const at = `/components/${section}`;
    const components =
      isObject(document) && isObject(document["components"]) ? document["components"] : undefined;
    const entries = components?.[section];
    if (entries === undefined && !required) return [];
    if (!isObject(entries))
      throw new SchemaError(
        this.documentPath,
        at,
        required
          ? `not an OpenAPI document: no components.${section} object`
          : "expected an object",
      );
    const files: LayoutFile[] = [];
    for (const [name, value] of Object.entries(entries)) {
      const place = pointer(["components", section, name]);
      // OpenAPI 3.0 component keys match ^[a-zA-Z0-9.\-_]+$; anything else could turn into a path when written.
      if (!COMPONENT_NAME.test(name))
        throw new SchemaError(
          this.documentPath,
          place,
          "not a component name: OpenAPI allows only letters, digits, '.', '-' and '_'",
        );
      if (!isObject(value))
        throw new SchemaError(
          this.documentPath,
          place,
          `not a ${kind === "requestBody" ? "request body" : kind}: expected an object`,
        );
      const body =
        kind === "schema" ? schemaFileBody(name, value) : componentFileBody(kind, name, value);
      files.push(this.file(componentFileName(kind, name), body, { kind, name }, place));
    }
    return files;
  }

  operations(document: unknown): LayoutFile[] {
    const paths = isObject(document) ? document["paths"] : undefined;
    if (paths === undefined) return [];
    if (!isObject(paths)) throw new SchemaError(this.documentPath, "/paths", "expected an object");
    const files: LayoutFile[] = [];
    const placeOf = new Map<string, string>();
    for (const [path, item] of Object.entries(paths)) {
      const itemPlace = pointer(["paths", path]);
      if (!isObject(item))
        throw new SchemaError(this.documentPath, itemPlace, "not a path item: expected an object");
      if (item["$ref"] !== undefined)
        throw new SchemaError(
          this.documentPath,
          `${itemPlace}/$ref`,
          "a path item that is a $ref is not supported: only references inside the document are followed",
        );
      const shared = parameterList(
        this.documentPath,
        item["parameters"],
        `${itemPlace}/parameters`,
      );
      for (const [method, operation] of Object.entries(item)) {
        if (!isMethod(method)) continue;
        const place = pointer(["paths", path, method]);
        if (!isObject(operation))
          throw new SchemaError(this.documentPath, place, "not an operation: expected an object");
        const id = operation["operationId"];
        if (typeof id !== "string" || id === "")
          throw new SchemaError(
            this.documentPath,
            place,
            "operation without an operationId: sync names each operation's file by its operationId",
          );
        if (!COMPONENT_NAME.test(id))
          throw new SchemaError(
            this.documentPath,
            `${place}/operationId`,
            `operationId ${JSON.stringify(id)} is not usable as a file name: sync allows only letters, digits, '.', '-' and '_'`,
          );
        const other = placeOf.get(id);
        if (other !== undefined)
          throw new SchemaError(
            this.documentPath,
            `${place}/operationId`,
            `duplicate operationId "${id}": ${other} has it too`,
          );
        placeOf.set(id, place);
        const merged = withPathParameters(this.documentPath, document, operation, shared, place);
        files.push(
          this.file(
            operationFileName(id),
            operationFileBody(path, method, id, merged),
            { kind: "operation", path, method },
            place,
            id,
          ),
        );
      }
    }
    return files;
  }

  private file(
    first: string,
    body: JsonObject,
    id: LayoutId,
    place: string,
    operationId?: string,
  ): LayoutFile {
    // Two long schema names can cut to the same stem (or two names differ only in case): the later one gets a
    // counter, so that no file is overwritten.
    let fileName = first;
    for (let n = 2; this.taken.has(fileName); n++) fileName = numberedFileName(first, n);
    this.taken.add(fileName);
    return {
      fileName,
      path: `${this.dir}/${fileName}`,
      text: layoutFileText(body),
      id,
      pointer: place,
      ...(operationId !== undefined ? { operationId } : {}),
    };
  }
}

function isMethod(key: string): key is HttpMethod {
  return (HTTP_METHODS as readonly string[]).includes(key);
}

function parameterList(documentPath: string, value: Json | undefined, at: string): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new SchemaError(documentPath, at, "expected an array of parameters");
  return value;
}

/**
 * The operation with the path item's parameters merged in front of its own; one of its own with the same
 * `name` and `in` replaces the path item's. Without path-level parameters the operation is returned as it is;
 * an operation without `parameters` of its own gets the key last.
 */
function withPathParameters(
  documentPath: string,
  document: unknown,
  operation: JsonObject,
  shared: readonly Json[],
  place: string,
): JsonObject {
  if (shared.length === 0) return operation;
  const own = parameterList(documentPath, operation["parameters"], `${place}/parameters`);
  const ownKeys = new Set(own.map((p) => parameterKey(document, p)).filter((k) => k !== undefined));
  const parameters = [
    ...shared.filter((p) => {
      const key = parameterKey(document, p);
      return key === undefined || !ownKeys.has(key);
    }),
    ...own,
  ];
  if (operation["parameters"] !== undefined) {
    const out: JsonObject = { ...operation };
    out["parameters"] = parameters;
    return out;
  }
  return { ...operation, parameters };
}

/** A parameter's identity, `in` and `name`, looking through a ref to `#/components/parameters/<Name>`. */
function parameterKey(document: unknown, parameter: Json): string | undefined {
  let target: Json | undefined = parameter;
  if (isObject(parameter) && typeof parameter["$ref"] === "string") {
    const match = /^#\/components\/parameters\/([A-Za-z0-9._-]+)$/.exec(parameter["$ref"]);
    const components =
      isObject(document) && isObject(document["components"]) ? document["components"] : undefined;
    const section = components?.["parameters"];
    target = match !== null && isObject(section) ? section[match[1]!] : undefined;
  }
  if (!isObject(target)) return undefined;
  const name = target["name"];
  const where = target["in"];
  return typeof name === "string" && typeof where === "string" ? `${where}\0${name}` : undefined;
}
