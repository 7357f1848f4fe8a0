/**
 * Stage 1, load: a folder of per-schema JSON files → named schemas.
 * Files are indexed by the name they declare (`title`, or the last segment of `$id`), never by file name:
 * upstream cuts long file names.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, realpathSync, statSync, type Dirent } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { SchemaError } from "./errors.js";
import { parseJsonText } from "./json-position.js";
import { byCodeUnit, fromEntries, isObject, type JsonObject } from "./json.js";
import { classifyLayoutId, COMPONENT_SECTION, HTTP_METHODS, type HttpMethod } from "./layout.js";
import type { ComponentSection } from "./openapi-objects.js";
import { decodePointerToken } from "./pointer.js";
import { COMPONENTS_PREFIX } from "./refs.js";

export interface SchemaFile {
  /** File name inside the folder, e.g. `klaviyo-objectlinks-schema.json`. */
  fileName: string;
  /** Path for messages, e.g. `schemas/klaviyo-objectlinks-schema.json`. */
  path: string;
  text: string;
}

export interface LoadedSchema {
  name: string;
  fileName: string;
  path: string;
  schema: JsonObject;
}

/** An operation file: `$id` `#/paths/<route>/<method>`, indexed by its operationId. */
export interface LoadedOperation {
  operationId: string;
  /** The URL path template, e.g. `/api/catalog-item-bulk-create-jobs`. */
  route: string;
  method: HttpMethod;
  fileName: string;
  path: string;
  /** The Operation Object, without `$id`. */
  operation: JsonObject;
}

/** A component file other than a schema: `$id` `#/components/<kind>/<Name>`. */
export interface LoadedComponent {
  kind: ComponentSection;
  name: string;
  fileName: string;
  path: string;
  /** The component's object, without `$id`. */
  body: JsonObject;
}

export interface SchemaSet {
  /** The folder as the user named it, for messages and the header. */
  dir: string;
  /** Sorted by name. */
  schemas: LoadedSchema[];
  /** Sorted by operationId. */
  operations: LoadedOperation[];
  /** Sorted by kind, then name. */
  components: LoadedComponent[];
  /** sha256 over every name and file content, independent of file order. */
  digest: string;
}

/**
 * I/O edge: the names of the `*.json` files directly inside `dir`, sorted; an error when there are none.
 *
 * A schema file is a regular file, or a symbolic link whose real path (every link resolved) is a regular
 * file inside the real path of `dir` (e.g. into a subfolder of it). A link that resolves outside the folder is
 * not part of the set and is refused, with an error that names the link and never its target; a link that
 * cannot be followed (dangling, a loop) is refused too. Nothing is read here. Other entries named `*.json`
 * (a folder, a FIFO, a socket, or a link to one inside the folder) are not schema files and are left out.
 */
export function listSchemaFiles(dir: string): string[] {
  let entries: Dirent[];
  let realDir: string;
  try {
    if (!statSync(dir).isDirectory()) throw new SchemaError(dir, undefined, "not a folder");
    realDir = realpathSync(dir);
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (error instanceof SchemaError) throw error;
    throw new SchemaError(dir, undefined, `cannot read the schema folder (${errorCode(error)})`);
  }
  // Sorted before the checks, so that of two bad links the same one is reported on every machine.
  const fileNames = entries
    .filter((entry) => entry.name.endsWith(".json"))
    .sort((a, b) => byCodeUnit(a.name, b.name))
    .filter((entry) => isSchemaFile(dir, realDir, entry))
    .map((entry) => entry.name);
  if (fileNames.length === 0)
    throw new SchemaError(dir, undefined, "no *.json schema files in this folder");
  return fileNames;
}

function isSchemaFile(dir: string, realDir: string, entry: Dirent): boolean {
  if (!entry.isSymbolicLink()) return entry.isFile();
  const path = join(dir, entry.name);
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    throw new SchemaError(
      path,
      undefined,
      `is a link that cannot be followed (${errorCode(error)})`,
    );
  }
  const inside = relative(realDir, real);
  if (inside === "") return false; // the folder itself
  if (inside.split(sep)[0] === ".." || isAbsolute(inside))
    throw new SchemaError(
      path,
      undefined,
      "is a link to a file outside the schema folder, which is not part of the set",
    );
  try {
    return statSync(real).isFile();
  } catch (error) {
    throw new SchemaError(
      path,
      undefined,
      `is a link that cannot be followed (${errorCode(error)})`,
    );
  }
}

/** I/O edge: reads every schema file of `dir` (see listSchemaFiles), as UTF-8 text. */
export function readSchemaFolder(dir: string): SchemaFile[] {
  return listSchemaFiles(dir).map((fileName) => {
    const path = join(dir, fileName);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new SchemaError(path, undefined, `cannot read the file (${errorCode(error)})`);
    }
    return { fileName, path, text };
  });
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/**
 * Parses the files and indexes each by what it declares. Pure: no I/O. Every file is one object of the OpenAPI
 * document, and its `$id` says where it lives: `#/paths/<route>/<method>` an operation (indexed by its
 * operationId), `#/components/<kind>/<Name>` a response, parameter, request body or header component, and
 * anything else a schema, named by `title` or `$id` `#/components/schemas/<Name>`.
 */
export function parseSchemaFiles(dir: string, files: readonly SchemaFile[]): SchemaSet {
  return indexLoadedFiles(dir, files, loadFile);
}

/** One file, parsed, as what it declares: a schema, an operation or a component. */
export type LoadedFile =
  | { kind: "schema"; schema: LoadedSchema }
  | { kind: "operation"; operation: LoadedOperation }
  | { kind: "component"; component: LoadedComponent };

/**
 * Parses one file and reads what it declares. A pure function of the file's text (its name and path only label
 * what it makes, and messages): no other file is read, so the cache (prepare.ts) can keep what it gives per file.
 */
export function loadFile(file: SchemaFile): LoadedFile {
  const schema = parseSchemaFile(file);
  const id = schema["$id"];
  const place = typeof id === "string" ? classifyLayoutId(id) : undefined;
  if (
    place === undefined &&
    typeof id === "string" &&
    /^#\/(paths|components)\//.test(id) &&
    !id.startsWith(COMPONENTS_PREFIX)
  )
    throw new SchemaError(
      file.path,
      "/$id",
      `"${id}" is not a place this pipeline reads: expected "#/paths/<path, its slashes written ~1>/<method>" (${HTTP_METHODS.join(", ")}) or "#/components/<responses|parameters|requestBodies|schemas>/<Name>"`,
    );
  if (place?.kind === "operation")
    return { kind: "operation", operation: operationOf(file, schema, place.path, place.method) };
  if (place !== undefined && place.kind !== "schema") {
    const kind = COMPONENT_SECTION[place.kind] as ComponentSection;
    const body = fromEntries(Object.entries(schema).filter(([k]) => k !== "$id"));
    return {
      kind: "component",
      component: { kind, name: place.name, fileName: file.fileName, path: file.path, body },
    };
  }
  const name = schemaName(file, schema);
  return { kind: "schema", schema: { name, fileName: file.fileName, path: file.path, schema } };
}

/**
 * The set the files make, each file as `load` reads it (loadFile(), or what the cache kept of it): what two
 * files both declare is an error, checked file by file in the order given, so the same file is blamed as when
 * each is loaded in turn; then each kind of object sorted, and the digest of every file.
 */
export function indexLoadedFiles(
  dir: string,
  files: readonly SchemaFile[],
  load: (file: SchemaFile, index: number) => LoadedFile,
): SchemaSet {
  if (files.length === 0)
    throw new SchemaError(dir, undefined, "no *.json schema files in this folder");
  const byName = new Map<string, LoadedSchema>();
  const byOperationId = new Map<string, LoadedOperation>();
  const byRoute = new Map<string, LoadedOperation>();
  const byComponent = new Map<string, LoadedComponent>();
  files.forEach((file, index) => {
    const loaded = load(file, index);
    if (loaded.kind === "operation") {
      const { operation } = loaded;
      const other = byOperationId.get(operation.operationId);
      if (other) {
        throw declaredTwiceError(
          `operationId "${operation.operationId}"`,
          "/operationId",
          other.path,
          file.path,
        );
      }
      const route = `${operation.method.toUpperCase()} ${operation.route}`;
      const sameRoute = byRoute.get(route);
      if (sameRoute) {
        throw declaredTwiceError(`the operation ${route}`, "/$id", sameRoute.path, file.path);
      }
      byOperationId.set(operation.operationId, operation);
      byRoute.set(route, operation);
      return;
    }
    if (loaded.kind === "component") {
      const { kind, name } = loaded.component;
      const key = `${kind}/${name}`;
      const other = byComponent.get(key);
      if (other) {
        throw declaredTwiceError(`${kind} component "${name}"`, "/$id", other.path, file.path);
      }
      byComponent.set(key, loaded.component);
      return;
    }
    const { name } = loaded.schema;
    const other = byName.get(name);
    if (other) throw duplicateNameError(name, other.path, file.path);
    byName.set(name, loaded.schema);
  });
  const schemas = [...byName.values()].sort((a, b) => byCodeUnit(a.name, b.name));
  const operations = [...byOperationId.values()].sort((a, b) =>
    byCodeUnit(a.operationId, b.operationId),
  );
  const components = [...byComponent.entries()]
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([, component]) => component);
  const digest = createHash("sha256");
  for (const file of [...files].sort((a, b) => byCodeUnit(a.fileName, b.fileName))) {
    digest.update(file.fileName).update("\0").update(file.text).update("\0");
  }
  return { dir, schemas, operations, components, digest: digest.digest("hex") };
}

/** An operation file: a non-empty operationId names it; the path and method come from its `$id`. */
function operationOf(
  file: SchemaFile,
  body: JsonObject,
  route: string,
  method: HttpMethod,
): LoadedOperation {
  if (!route.startsWith("/"))
    throw new SchemaError(file.path, "/$id", `the path "${route}" does not start with "/"`);
  const operationId = body["operationId"];
  if (typeof operationId !== "string" || operationId.trim() === "")
    throw new SchemaError(
      file.path,
      "/operationId",
      "an operation needs an operationId, which names it",
    );
  return {
    operationId,
    route,
    method,
    fileName: file.fileName,
    path: file.path,
    operation: fromEntries(Object.entries(body).filter(([k]) => k !== "$id")),
  };
}

/**
 * Two files declare one thing (a schema name, an operationId, a path and method, a component): load, and sync's
 * closure across its reads. The error is on the later path in code-unit order, so that it does not depend on the
 * order the files were read in.
 */
export function declaredTwiceError(
  what: string,
  place: string | undefined,
  onePath: string,
  otherPath: string,
): SchemaError {
  const [first, second] = [onePath, otherPath].sort(byCodeUnit);
  return new SchemaError(second!, place, `${what} is also declared by ${first}`);
}

export function duplicateNameError(name: string, onePath: string, otherPath: string): SchemaError {
  return declaredTwiceError(`schema name "${name}"`, undefined, onePath, otherPath);
}

function parseSchemaFile(file: SchemaFile): JsonObject {
  const value = parseJsonText(file.path, file.text);
  if (!isObject(value)) {
    const got = Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`;
    throw new SchemaError(
      file.path,
      undefined,
      `not a schema: expected a JSON object, found ${got}`,
    );
  }
  return value;
}

function schemaName(file: SchemaFile, schema: JsonObject): string {
  const title = schema["title"];
  const id = schema["$id"];
  const idName =
    typeof id === "string" && id.startsWith(COMPONENTS_PREFIX)
      ? decodePointerToken(id.slice(COMPONENTS_PREFIX.length), { uriFragment: true })
      : undefined;
  if (title !== undefined && (typeof title !== "string" || title.trim() === "")) {
    throw new SchemaError(file.path, "/title", "not a schema name: expected a non-empty string");
  }
  if (typeof title === "string" && idName !== undefined && title !== idName) {
    throw new SchemaError(
      file.path,
      "/$id",
      `names the schema "${idName}" but /title says "${title}"`,
    );
  }
  const name = (title as string | undefined) ?? idName;
  if (name === undefined) {
    throw new SchemaError(
      file.path,
      undefined,
      `not a schema of the set: no "title" or "$id": "${COMPONENTS_PREFIX}<Name>" names it`,
    );
  }
  return name;
}
