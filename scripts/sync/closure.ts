/**
 * The closure of the roots: the roots plus every schema they reference, transitively. Names are resolved
 * through the schemas' own `title`/`$id`, never through a file name alone: upstream's file name for a name
 * is tried first (it saves fetching the whole folder) and kept only if the file declares that name;
 * otherwise every file is read and indexed.
 */
import { SchemaError } from "../pipeline/errors.js";
import { byCodeUnit, type JsonObject } from "../pipeline/json.js";
import { duplicateNameError, parseSchemaFiles } from "../pipeline/load.js";
import { upstreamFileName } from "../pipeline/openapi-split.js";
import { classifyRef, refError } from "../pipeline/refs.js";
import { forEachSchema, type Path } from "../pipeline/walk.js";
import type { Roots } from "./config.js";
import { decodeUtf8 } from "./http.js";
import type { Source, SourceFile } from "./sources/source.js";

export interface VendoredSchema {
  name: string;
  fileName: string;
  /** URL or path it came from, for messages. */
  path: string;
  bytes: Uint8Array;
  schema: JsonObject;
}

interface Referrer {
  path: string;
  at: Path;
  ref: string;
}

type Need = { name: string; from?: Referrer } | { fileName: string; from: Referrer };

/** Sorted by file name. */
export async function collectClosure(source: Source, roots: Roots): Promise<VendoredSchema[]> {
  const byName = new Map<string, VendoredSchema>();
  const byFile = new Map<string, VendoredSchema>();
  const available = new Set(source.fileNames);
  let indexedAll = false;

  const load = async (fileNames: readonly string[]) => {
    const todo = [...new Set(fileNames)].filter((f) => !byFile.has(f));
    for (const file of await source.read(todo)) {
      const schema = parseOne(source.location, file);
      const other = byName.get(schema.name);
      if (other) throw duplicateNameError(schema.name, other.path, schema.path);
      byName.set(schema.name, schema);
      byFile.set(schema.fileName, schema);
    }
  };
  const indexAll = async () => {
    if (indexedAll) return;
    await load(source.fileNames);
    indexedAll = true;
  };

  let wanted: Need[];
  if (roots === "*") {
    await indexAll();
    wanted = [...byName.keys()].sort(byCodeUnit).map((name) => ({ name }));
  } else {
    wanted = roots.map((name) => ({ name }));
  }

  const included = new Set<string>();
  while (wanted.length > 0) {
    const names = wanted.flatMap((need) =>
      "name" in need && !byName.has(need.name) ? [need.name] : [],
    );
    await load(names.map(upstreamFileName).filter((f) => available.has(f)));
    if (names.some((name) => !byName.has(name))) await indexAll();
    await load(
      wanted.flatMap((need) =>
        "fileName" in need && available.has(need.fileName) ? [need.fileName] : [],
      ),
    );

    const next: Need[] = [];
    for (const need of wanted) {
      const schema = "name" in need ? byName.get(need.name) : byFile.get(need.fileName);
      if (schema === undefined) throw notUpstream(source, need);
      if (included.has(schema.name)) continue;
      included.add(schema.name);
      forEachSchema(schema.path, schema.schema, (node, at) => {
        const ref = node["$ref"];
        if (typeof ref !== "string") return;
        const from = { path: schema.path, at, ref };
        const target = refTarget(from);
        if (target !== undefined) next.push({ ...target, from });
      });
    }
    wanted = next;
  }
  return [...included]
    .map((name) => byName.get(name)!)
    .sort((a, b) => byCodeUnit(a.fileName, b.fileName));
}

function parseOne(location: string, file: SourceFile): VendoredSchema {
  const text = decodeUtf8(file.path, file.bytes);
  const [loaded] = parseSchemaFiles(location, [
    { fileName: file.fileName, path: file.path, text },
  ]).schemas;
  return {
    name: loaded!.name,
    fileName: file.fileName,
    path: file.path,
    bytes: file.bytes,
    schema: loaded!.schema,
  };
}

/** What a `$ref` needs from upstream: a schema by name, a sibling file, or nothing (a place in the same schema). */
function refTarget(from: Referrer): { name: string } | { fileName: string } | undefined {
  const target = classifyRef(from.ref, from.path, from.at);
  if (target.kind === "schema") return { name: target.name };
  if (target.kind === "file") return { fileName: target.fileName };
  return undefined;
}

function notUpstream(source: Source, need: Need): SchemaError {
  const where = `${source.fileNames.length} files at ${source.location}`;
  if (need.from === undefined) {
    return new SchemaError(
      source.location,
      undefined,
      `root schema "${(need as { name: string }).name}" is not upstream: no file declares it (searched ${where})`,
    );
  }
  const missing = "name" in need ? `no schema named "${need.name}"` : `no file "${need.fileName}"`;
  return refError(
    need.from.path,
    need.from.at,
    need.from.ref,
    `points at ${missing} upstream (searched ${where})`,
  );
}
