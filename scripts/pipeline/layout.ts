/**
 * The schema folder's layout: every file is one object of an OpenAPI document, and its `$id` says where in
 * the document it lives. This module is the one home of the rules: which kinds of object are vendored, the
 * file name and the `$id` of each, and reading an `$id` back. Pure; sync (openapi-split.ts, the closure) and
 * generate both use it.
 *
 *   kind          file name                                   $id
 *   schema        klaviyo-<name, lowercased, cut at 60>-schema.json   #/components/schemas/<Name>
 *   response      klaviyo-<name, lowercased>-response.json            #/components/responses/<Name>
 *   parameter     klaviyo-<name, lowercased>-parameter.json           #/components/parameters/<Name>
 *   requestBody   klaviyo-<name, lowercased>-request-body.json        #/components/requestBodies/<Name>
 *   operation     klaviyo-<operationId, lowercased>-operation.json    #/paths/<path, JSON-Pointer-escaped>/<method>
 *
 * A schema file's body is `{ $schema, $id, title, ...the schema }`, a component's `{ $id, ...the component }`,
 * an operation's `{ $id, operationId, ...the rest of the operation }`: the added keys first, then upstream's
 * keys in upstream's order. Other components (securitySchemes, headers, examples, links, callbacks) are not
 * vendored.
 */
import { decodePointerToken, pointerToken } from "./pointer.js";
import { fromEntries, type Json, type JsonObject } from "./json.js";

/** The `$schema` a schema file declares, as upstream's JSON Schema folder does. */
export const SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

/** Component keys (OpenAPI 3.0's rule), and operationIds: the characters that are safe in a file name. */
export const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;

export const HTTP_METHODS = [
  "get",
  "put",
  "post",
  "delete",
  "options",
  "head",
  "patch",
  "trace",
] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The vendored kinds of component, each with its section under `components` and its file name suffix. */
export const COMPONENT_KINDS = ["schema", "response", "parameter", "requestBody"] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];
export type LayoutKind = ComponentKind | "operation";

export const COMPONENT_SECTION: Readonly<Record<ComponentKind, string>> = {
  schema: "schemas",
  response: "responses",
  parameter: "parameters",
  requestBody: "requestBodies",
};

const FILE_SUFFIX: Readonly<Record<LayoutKind, string>> = {
  schema: "schema",
  response: "response",
  parameter: "parameter",
  requestBody: "request-body",
  operation: "operation",
};

/** Where a file's object lives in the document, as its `$id` says. */
export type LayoutId =
  { kind: ComponentKind; name: string } | { kind: "operation"; path: string; method: HttpMethod };

/** The component kind whose section under `components` is `section` ("schemas" → "schema"), if vendored. */
export function componentKindOfSection(section: string): ComponentKind | undefined {
  return COMPONENT_KINDS.find((kind) => COMPONENT_SECTION[kind] === section);
}

/**
 * `klaviyo-<lowercased name>-<suffix>.json`; only a schema's name is cut at 60 characters, as upstream's
 * JSON Schema folder cuts it.
 */
export function componentFileName(kind: ComponentKind, name: string): string {
  const stem = kind === "schema" ? name.toLowerCase().slice(0, 60) : name.toLowerCase();
  return `klaviyo-${stem}-${FILE_SUFFIX[kind]}.json`;
}

/** `klaviyo-<operationId lowercased>-operation.json`. */
export function operationFileName(operationId: string): string {
  return `klaviyo-${operationId.toLowerCase()}-${FILE_SUFFIX.operation}.json`;
}

/**
 * The name for the `n`th file (n ≥ 2) whose first choice `fileName` is already taken in one split, e.g. two
 * long schema names cut to the same stem: `klaviyo-x-2-schema.json`.
 */
export function numberedFileName(fileName: string, n: number): string {
  return fileName.replace(
    /-(schema|response|parameter|request-body|operation)\.json$/,
    `-${n}-$1.json`,
  );
}

/** `#/components/<section>/<Name>`. Names follow COMPONENT_NAME, so they need no escaping. */
export function componentLayoutId(kind: ComponentKind, name: string): string {
  return `#/components/${COMPONENT_SECTION[kind]}/${pointerToken(name)}`;
}

/** `#/paths/<path, JSON-Pointer-escaped>/<method>`, e.g. `#/paths/~1api~1catalog-item-bulk-create-jobs/post`. */
export function operationLayoutId(path: string, method: HttpMethod): string {
  return `#/paths/${pointerToken(path)}/${method}`;
}

/** The `$id` text of a place. */
export function formatLayoutId(id: LayoutId): string {
  return id.kind === "operation"
    ? operationLayoutId(id.path, id.method)
    : componentLayoutId(id.kind, id.name);
}

/**
 * Reads an `$id` back: the inverse of formatLayoutId. undefined for any other text (another section, a
 * method OpenAPI does not have, a place deeper inside an object, a file part before the `#`).
 *
 * A component name is read as load.ts reads a schema's `$id` (a URI fragment: percent-decoding first, then
 * RFC 6901); a path is read with RFC 6901 only, because formatLayoutId writes it so and a path may hold `%`.
 */
export function classifyLayoutId(id: string): LayoutId | undefined {
  const components = /^#\/components\/([^/]+)\/([^/]+)$/.exec(id);
  if (components !== null) {
    const kind = componentKindOfSection(components[1]!);
    if (kind === undefined) return undefined;
    const name = decodePointerToken(components[2]!, { uriFragment: true });
    return name === "" ? undefined : { kind, name };
  }
  const operation = /^#\/paths\/([^/]+)\/([^/]+)$/.exec(id);
  if (operation !== null) {
    const method = HTTP_METHODS.find((m) => m === operation[2]);
    if (method === undefined) return undefined;
    return {
      kind: "operation",
      path: decodePointerToken(operation[1]!, { uriFragment: false }),
      method,
    };
  }
  return undefined;
}

/** A schema file's body: `$schema`, `$id` and `title` first (upstream's own values of these dropped). */
export function schemaFileBody(name: string, schema: JsonObject): JsonObject {
  return fromEntries<Json>([
    ["$schema", SCHEMA_DIALECT],
    ["$id", componentLayoutId("schema", name)],
    ["title", name],
    ...Object.entries(schema).filter(
      ([key]) => key !== "$schema" && key !== "$id" && key !== "title",
    ),
  ]);
}

/** A response, parameter or request body file's body: `$id` first. */
export function componentFileBody(
  kind: Exclude<ComponentKind, "schema">,
  name: string,
  component: JsonObject,
): JsonObject {
  return fromEntries<Json>([
    ["$id", componentLayoutId(kind, name)],
    ...Object.entries(component).filter(([key]) => key !== "$id"),
  ]);
}

/** An operation file's body: `$id` and `operationId` first, then the operation's other keys in its order. */
export function operationFileBody(
  path: string,
  method: HttpMethod,
  operationId: string,
  operation: JsonObject,
): JsonObject {
  return fromEntries<Json>([
    ["$id", operationLayoutId(path, method)],
    ["operationId", operationId],
    ...Object.entries(operation).filter(([key]) => key !== "$id" && key !== "operationId"),
  ]);
}

/** The bytes of a layout file: two-space JSON and a final newline. */
export function layoutFileText(body: JsonObject): string {
  return JSON.stringify(body, null, 2) + "\n";
}
