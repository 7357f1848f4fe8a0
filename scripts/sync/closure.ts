/**
 * The closure of the roots: the roots plus every schema they reference, transitively. Names are resolved
 * through the schemas' own `title`/`$id`, never through a file name alone: upstream's file name for a name
 * is tried first (it saves fetching the whole folder) and kept only if the file declares that name;
 * otherwise every file is read and indexed.
 */
import { SchemaError, place } from "../pipeline/errors.js";
import { byCodeUnit, type JsonObject } from "../pipeline/json.js";
import { parseSchemaFiles } from "../pipeline/load.js";
import { decodePointerToken } from "../pipeline/pointer.js";
import { upstreamFileName } from "../pipeline/openapi-split.js";
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

const COMPONENTS = "/components/schemas/";

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
      if (other) {
        const [first, second] = [other.path, schema.path].sort();
        throw new SchemaError(
          second!,
          undefined,
          `schema name "${schema.name}" is also declared by ${first}`,
        );
      }
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

/** What a `$ref` needs from upstream: a schema by name, a sibling file, or nothing (a pointer into the same file). */
function refTarget(from: Referrer): { name: string } | { fileName: string } | undefined {
  const { ref } = from;
  const refuse = (why: string): never => {
    throw new SchemaError(from.path, place([...from.at, "$ref"]), `$ref "${ref}" ${why}`);
  };
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref))
    refuse("is a URL: sync vendors only references inside the schema set");
  if (ref.startsWith("/") || ref.startsWith("\\"))
    refuse("is an absolute path: sync vendors only references inside the schema set");
  const hash = ref.indexOf("#");
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? "" : ref.slice(hash + 1);
  if (filePart === "") {
    if (!fragment.startsWith(COMPONENTS)) return undefined;
    const tail = fragment.slice(COMPONENTS.length);
    const slash = tail.indexOf("/");
    return {
      name: decodePointerToken(slash === -1 ? tail : tail.slice(0, slash), { uriFragment: true }),
    };
  }
  const segments = filePart
    .replace(/\\/g, "/")
    .split("/")
    .filter((s) => s !== "." && s !== "");
  if (segments.includes("..") || segments.length !== 1)
    refuse("leaves the schema folder: sync vendors only references inside the schema set");
  return { fileName: segments[0]! };
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
  return new SchemaError(
    need.from.path,
    place([...need.from.at, "$ref"]),
    `$ref "${need.from.ref}" points at ${missing} upstream (searched ${where})`,
  );
}
