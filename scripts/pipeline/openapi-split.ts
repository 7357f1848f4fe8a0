/**
 * An OpenAPI 3.0 document → the per-file layout of the upstream JSON Schema folder: one file per
 * `components.schemas` entry, with `$schema`, `$id` and `title` added as upstream does. Pure.
 */
import { SchemaError } from "./errors.js";
import { pointerToken } from "./pointer.js";
import { fromEntries, isObject, type Json } from "./json.js";
import type { SchemaFile } from "./load.js";

const DIALECT = "https://json-schema.org/draft/2020-12/schema";

/** Upstream's file name rule: `klaviyo-<lowercased name>-schema.json`, the name part cut at 60 characters. */
export function upstreamFileName(name: string): string {
  return `klaviyo-${name.toLowerCase().slice(0, 60)}-schema.json`;
}

export function splitOpenApiDocument(
  documentPath: string,
  document: unknown,
  dir: string,
): SchemaFile[] {
  const schemas =
    isObject(document) && isObject(document["components"])
      ? document["components"]["schemas"]
      : undefined;
  if (!isObject(schemas))
    throw new SchemaError(
      documentPath,
      "/components/schemas",
      "not an OpenAPI document: no components.schemas object",
    );
  const files: SchemaFile[] = [];
  const taken = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) {
    // OpenAPI 3.0 component keys match ^[a-zA-Z0-9.\-_]+$; anything else could turn into a path when written.
    if (!/^[A-Za-z0-9._-]+$/.test(name)) {
      throw new SchemaError(
        documentPath,
        `/components/schemas/${pointerToken(name)}`,
        "not a component name: OpenAPI allows only letters, digits, '.', '-' and '_'",
      );
    }
    if (!isObject(schema))
      throw new SchemaError(
        documentPath,
        `/components/schemas/${name}`,
        "not a schema: expected an object",
      );
    let fileName = upstreamFileName(name);
    // Two long names can cut to the same stem; the later one gets a counter so no file is overwritten.
    for (let n = 2; taken.has(fileName); n++)
      fileName = upstreamFileName(name).replace(/-schema\.json$/, `-${n}-schema.json`);
    taken.set(fileName, name);
    const body = fromEntries<Json>([
      ["$schema", DIALECT],
      ["$id", `#/components/schemas/${name}`],
      ["title", name],
      ...Object.entries(schema).filter(
        ([key]) => key !== "$schema" && key !== "$id" && key !== "title",
      ),
    ]);
    files.push({
      fileName,
      path: `${dir}/${fileName}`,
      text: JSON.stringify(body, null, 2) + "\n",
    });
  }
  return files;
}
