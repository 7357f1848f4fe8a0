/**
 * An OpenAPI 3.0 document (URL or file) as a source, split into the schema folder's layout by
 * pipeline/openapi-split.ts: its `components.schemas` only, or (when operations are selected) its responses,
 * parameters, request bodies and operations too. The revision is the document's sha256.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { SchemaError } from "../../pipeline/errors.js";
import { parseJsonText } from "../../pipeline/json-position.js";
import { byCodeUnit, isObject } from "../../pipeline/json.js";
import { splitOpenApiDocument, splitOpenApiLayout } from "../../pipeline/openapi-split.js";
import { isUrl } from "../config.js";
import { decodeUtf8, fetchBytes, type FetchLimits } from "../http.js";
import type { Source, SourceFile } from "./source.js";

export interface OpenApiOptions {
  /**
   * Split the operations (and the components only they can reach) too. Off, the document is read as before
   * operations were vendored: its schemas only, so an operation without an operationId is no error.
   */
  withOperations: boolean;
  say?: (line: string) => void;
}

export async function openOpenApiSource(
  location: string,
  limits: FetchLimits,
  options: OpenApiOptions,
): Promise<Source> {
  options.say?.(`sync: reading the OpenAPI document ${location}`);
  const bytes = isUrl(location)
    ? await fetchBytes(location, limits)
    : readBounded(location, limits);
  const text = decodeUtf8(location, bytes);
  const document = parseJsonText(location, text);
  const split = (options.withOperations ? splitOpenApiLayout : splitOpenApiDocument)(
    location,
    document,
    location,
  );
  const files = new Map<string, SourceFile>(
    split.map((file) => [
      file.fileName,
      {
        fileName: file.fileName,
        path: `${location}#${file.pointer}`,
        bytes: Buffer.from(file.text),
      },
    ]),
  );
  const info = isObject(document) && isObject(document["info"]) ? document["info"] : undefined;
  return {
    kind: "openapi",
    location,
    revision: "sha256:" + createHash("sha256").update(bytes).digest("hex"),
    ...(typeof info?.["version"] === "string" ? { apiVersion: info["version"] } : {}),
    fileNames: [...files.keys()].sort(byCodeUnit),
    read: async (fileNames) => fileNames.map((name) => files.get(name)!),
  };
}

/** A local document, refused before reading when it is over the size bound. */
export function readBounded(path: string, limits: FetchLimits): Uint8Array {
  try {
    const size = statSync(path).size;
    if (size > limits.maxBytes)
      throw new SchemaError(
        path,
        undefined,
        `file too large: ${size} bytes, over the bound of ${limits.maxBytes} bytes (--max-bytes)`,
      );
    return readFileSync(path);
  } catch (error) {
    if (error instanceof SchemaError) throw error;
    throw new SchemaError(
      path,
      undefined,
      `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}
