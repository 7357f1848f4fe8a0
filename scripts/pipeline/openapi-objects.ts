/**
 * The OpenAPI 3.0 objects around the schemas of an operation, and where in them a Schema Object or a Reference
 * Object to a component may stand (OpenAPI 3.0.3, https://spec.openapis.org/oas/v3.0.3):
 * - Operation Object (§4.7.10): `parameters` (Parameter or Reference), `requestBody` (Request Body or Reference),
 *   `responses` (Responses Object, §4.7.16: status → Response or Reference);
 * - Parameter Object (§4.7.12): `schema`; a parameter described by `content` instead is not supported;
 * - Request Body Object (§4.7.13) and Response Object (§4.7.17): `content` (media type → Media Type Object,
 *   §4.7.14, whose `schema` it is); a Response's `headers` (Header Object, §4.7.21, or Reference).
 *
 * One walk, mapOperation()/mapComponent(), rebuilds such an object with a visitor for each schema and each
 * component reference. Resolve checks and rewrites refs with it, normalize rewrites schemas with it. Each schema is
 * handed over with its direction: what a request carries (parameters, request bodies) or a response returns.
 * Pure; the input is never changed.
 */
import { SchemaError, place } from "./errors.js";
import { fromEntries, isObject, type Json, type JsonObject } from "./json.js";
import { COMPONENT_SECTION, type LayoutKind } from "./layout.js";
import { forEachSchema, type Path } from "./walk.js";

/** The component kinds an operation may refer to, besides schemas. */
export const COMPONENT_SECTIONS = ["responses", "parameters", "requestBodies", "headers"] as const;
export type ComponentSection = (typeof COMPONENT_SECTIONS)[number];

const PARAMETER_PLACES = new Set(["query", "header", "path", "cookie"]);

export type Direction = "request" | "response";

export interface ObjectVisitor {
  /** A Schema Object at `path`, read in `direction`; returns its replacement. */
  schema(schema: Json, path: Path, direction: Direction): Json;
  /** A Reference Object to a component of `kind` at `path`; returns the ref to write instead. */
  ref(ref: string, kind: ComponentSection, path: Path): string;
}

/** Rebuilds an Operation Object with `visit`. `file` names it in errors. */
export function mapOperation(
  file: string,
  operation: JsonObject,
  visit: ObjectVisitor,
  path: Path = [],
): JsonObject {
  return rebuild(operation, (key, value) => {
    const at = [...path, key];
    if (key === "parameters") {
      if (!Array.isArray(value))
        throw new SchemaError(file, place(at), "expected a list of parameters");
      return value.map((item, i) => parameterOrRef(file, item, visit, [...at, i]));
    }
    if (key === "requestBody") return orRef(file, value, "requestBodies", visit, at, requestBody);
    if (key === "responses") {
      if (!isObject(value))
        throw new SchemaError(file, place(at), "expected an object of responses by status");
      return rebuild(value, (status, response) =>
        orRef(file, response, "responses", visit, [...at, status], responseObject),
      );
    }
    return value;
  });
}

/** Rebuilds a component of `kind` (the body of one `components.<kind>` entry). */
export function mapComponent(
  file: string,
  kind: ComponentSection,
  body: JsonObject,
  visit: ObjectVisitor,
): JsonObject {
  const map = {
    responses: responseObject,
    parameters,
    requestBodies: requestBody,
    headers: header,
  }[kind];
  return map(file, body, visit, []);
}

type ObjectMap = (file: string, value: JsonObject, visit: ObjectVisitor, path: Path) => JsonObject;

function orRef(
  file: string,
  value: Json,
  kind: ComponentSection,
  visit: ObjectVisitor,
  path: Path,
  map: ObjectMap,
): Json {
  if (!isObject(value)) throw new SchemaError(file, place(path), "expected an object");
  if (value["$ref"] !== undefined) {
    if (typeof value["$ref"] !== "string")
      throw new SchemaError(file, place([...path, "$ref"]), "expected a reference string");
    return rebuild(value, (key, v) => (key === "$ref" ? visit.ref(v as string, kind, path) : v));
  }
  return map(file, value, visit, path);
}

function parameterOrRef(file: string, value: Json, visit: ObjectVisitor, path: Path): Json {
  return orRef(file, value, "parameters", visit, path, parameters);
}

/** Parameter Object: `name`, `in` and a `schema`, which the types need. */
function parameters(file: string, value: JsonObject, visit: ObjectVisitor, path: Path): JsonObject {
  if (typeof value["name"] !== "string" || value["name"] === "")
    throw new SchemaError(file, place([...path, "name"]), "a parameter needs a name");
  if (typeof value["in"] !== "string" || !PARAMETER_PLACES.has(value["in"]))
    throw new SchemaError(
      file,
      place([...path, "in"]),
      `a parameter is "in" one of query, header, path, cookie`,
    );
  if (value["schema"] === undefined)
    throw new SchemaError(
      file,
      place(path),
      `parameter "${value["name"]}" has no schema${value["content"] !== undefined ? " (one described by content is not supported)" : ""}: its type is unknown`,
    );
  return rebuild(value, (key, v) =>
    key === "schema" ? visit.schema(v, [...path, key], "request") : v,
  );
}

function requestBody(
  file: string,
  value: JsonObject,
  visit: ObjectVisitor,
  path: Path,
): JsonObject {
  return rebuild(value, (key, v) =>
    key === "content" ? content(file, v, visit, [...path, key], "request") : v,
  );
}

function responseObject(
  file: string,
  value: JsonObject,
  visit: ObjectVisitor,
  path: Path,
): JsonObject {
  return rebuild(value, (key, v) => {
    if (key === "content") return content(file, v, visit, [...path, key], "response");
    if (key === "headers") {
      if (!isObject(v)) throw new SchemaError(file, place([...path, key]), "expected an object");
      return rebuild(v, (name, h) =>
        orRef(file, h, "headers", visit, [...path, key, name], header),
      );
    }
    return v;
  });
}

function header(file: string, value: JsonObject, visit: ObjectVisitor, path: Path): JsonObject {
  return rebuild(value, (key, v) =>
    key === "schema" ? visit.schema(v, [...path, key], "response") : v,
  );
}

/** A `content` map: media type → Media Type Object, whose `schema` is visited. */
function content(
  file: string,
  value: Json,
  visit: ObjectVisitor,
  path: Path,
  direction: Direction,
) {
  if (!isObject(value))
    throw new SchemaError(file, place(path), "expected an object of media types");
  return rebuild(value, (media, mediaType) => {
    if (!isObject(mediaType))
      throw new SchemaError(file, place([...path, media]), "expected a media type object");
    return rebuild(mediaType, (key, v) =>
      key === "schema" ? visit.schema(v, [...path, media, key], direction) : v,
    );
  });
}

/**
 * Every `$ref` of an operation, response, parameter or request body (a file of the layout, by its kind): each
 * Reference Object to a component, and each `$ref` in its schemas, with where it is. Sync's closure follows them.
 */
export function forEachObjectRef(
  file: string,
  object: JsonObject,
  kind: Exclude<LayoutKind, "schema">,
  visit: (ref: string, at: Path) => void,
): void {
  const visitor: ObjectVisitor = {
    schema: (schema, path) => {
      forEachSchema(
        file,
        schema,
        (node, at) => {
          if (typeof node["$ref"] === "string") visit(node["$ref"], at);
        },
        path,
      );
      return schema;
    },
    ref: (ref, _kind, path) => {
      visit(ref, path);
      return ref;
    },
  };
  const body = fromEntries(Object.entries(object).filter(([key]) => key !== "$id"));
  if (kind === "operation") mapOperation(file, body, visitor);
  else if (typeof body["$ref"] === "string") visit(body["$ref"], []);
  else mapComponent(file, COMPONENT_SECTION[kind] as ComponentSection, body, visitor);
}

/** A copy of `object` with each value mapped; keys and their order stay. */
function rebuild(object: JsonObject, map: (key: string, value: Json) => Json): JsonObject {
  return fromEntries(Object.entries(object).map(([key, value]) => [key, map(key, value)]));
}
