/**
 * Every `$ref` of an OpenAPI 3.0 object that is not a schema (an operation, a response, a parameter, a
 * request body), found by its structure: a Reference Object where OpenAPI allows one, and every `$ref` of
 * the schemas inside (schema-aware, walk.ts), so that a `$ref` key inside `example` data or an Example's
 * `value` stays data. Only the places that can hold a reference are descended into.
 */
import { isObject, type Json, type JsonObject } from "./json.js";
import { HTTP_METHODS, type LayoutKind } from "./layout.js";
import { mapSchema, type Path } from "./walk.js";

/** Called with the `$ref` text and the path of the object holding it, inside the walked object. */
export type RefVisit = (ref: string, at: Path) => void;

export function forEachDocumentRef(
  file: string,
  object: JsonObject,
  kind: Exclude<LayoutKind, "schema">,
  visit: RefVisit,
): void {
  const walker = new Walker(file, visit);
  const walk = {
    operation: walker.operation,
    response: walker.response,
    parameter: walker.parameter,
    requestBody: walker.requestBody,
  }[kind];
  walker.reference(object, [], walk);
}

type Inner = (object: JsonObject, at: Path) => void;

class Walker {
  constructor(
    private readonly file: string,
    private readonly visit: RefVisit,
  ) {}

  /** A Reference Object, or else the object itself. */
  reference = (value: Json | undefined, at: Path, inner: Inner): void => {
    if (!isObject(value)) return;
    if (typeof value["$ref"] === "string") this.visit(value["$ref"], at);
    else inner(value, at);
  };

  private each(value: Json | undefined, at: Path, inner: Inner): void {
    if (Array.isArray(value)) value.forEach((item, i) => this.reference(item, [...at, i], inner));
    else if (isObject(value))
      for (const key of Object.keys(value)) this.reference(value[key], [...at, key], inner);
  }

  private readonly data: Inner = () => {};

  operation = (operation: JsonObject, at: Path): void => {
    this.each(operation["parameters"], [...at, "parameters"], this.parameter);
    this.reference(operation["requestBody"], [...at, "requestBody"], this.requestBody);
    this.each(operation["responses"], [...at, "responses"], this.response);
    this.each(operation["callbacks"], [...at, "callbacks"], this.callback);
  };

  private readonly callback: Inner = (callback, at) => {
    for (const key of Object.keys(callback))
      this.reference(callback[key], [...at, key], this.pathItem);
  };

  private readonly pathItem: Inner = (item, at) => {
    this.each(item["parameters"], [...at, "parameters"], this.parameter);
    for (const method of HTTP_METHODS)
      this.reference(item[method], [...at, method], this.operation);
  };

  /** A Parameter Object, or a Header Object (the same fields apart from `name` and `in`). */
  parameter = (parameter: JsonObject, at: Path): void => {
    this.schema(parameter["schema"], [...at, "schema"]);
    this.content(parameter["content"], [...at, "content"]);
    this.each(parameter["examples"], [...at, "examples"], this.data);
  };

  requestBody = (body: JsonObject, at: Path): void => {
    this.content(body["content"], [...at, "content"]);
  };

  response = (response: JsonObject, at: Path): void => {
    this.each(response["headers"], [...at, "headers"], this.parameter);
    this.content(response["content"], [...at, "content"]);
    this.each(response["links"], [...at, "links"], this.data);
  };

  private content(content: Json | undefined, at: Path): void {
    if (!isObject(content)) return;
    for (const type of Object.keys(content)) {
      const media = content[type];
      if (!isObject(media)) continue;
      const here = [...at, type];
      this.schema(media["schema"], [...here, "schema"]);
      this.each(media["examples"], [...here, "examples"], this.data);
      const encoding = media["encoding"];
      if (!isObject(encoding)) continue;
      for (const property of Object.keys(encoding)) {
        const entry = encoding[property];
        if (isObject(entry))
          this.each(entry["headers"], [...here, "encoding", property, "headers"], this.parameter);
      }
    }
  }

  private schema(schema: Json | undefined, at: Path): void {
    if (schema === undefined) return;
    mapSchema(
      this.file,
      schema,
      (node, path) => {
        const ref = node["$ref"];
        if (typeof ref === "string") this.visit(ref, path);
        return node;
      },
      at,
    );
  }
}
