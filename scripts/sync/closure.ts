/**
 * The closure of the selection: the root schemas and the selected operations, plus every component they
 * reference (schemas, responses, parameters, request bodies), transitively. Files are indexed by what they
 * declare (a schema's `title`/`$id`, a component's `$id`, an operation's `operationId`), never by a file name
 * alone: the layout's file name for what is wanted is tried first (it saves fetching the whole folder) and
 * kept only if the file declares it; otherwise every file is read and indexed.
 */
import { SchemaError } from "../pipeline/errors.js";
import { parseJsonText } from "../pipeline/json-position.js";
import { byCodeUnit, isObject, type JsonObject } from "../pipeline/json.js";
import {
  classifyLayoutId,
  COMPONENT_NAME,
  componentFileName,
  componentKindOfSection,
  operationFileName,
  type LayoutKind,
} from "../pipeline/layout.js";
import { declaredTwiceError, duplicateNameError, parseSchemaFiles } from "../pipeline/load.js";
import { forEachObjectRef } from "../pipeline/openapi-objects.js";
import { classifyComponentRef, classifyRef, refError } from "../pipeline/refs.js";
import { forEachSchema, type Path } from "../pipeline/walk.js";
import type { Operations, Roots } from "./config.js";
import { decodeUtf8 } from "./http.js";
import type { Source, SourceFile } from "./sources/source.js";

export interface VendoredFile {
  kind: LayoutKind;
  /** The schema's or component's name, or the operation's operationId. */
  name: string;
  fileName: string;
  /** URL or path it came from, for messages. */
  path: string;
  bytes: Uint8Array;
  /** The file's JSON. */
  body: JsonObject;
}

export interface Closure {
  /** Sorted by file name. */
  files: VendoredFile[];
  /** How many operation files the source holds, when it was read whole (undefined: not known). */
  upstreamOperations: number | undefined;
}

interface Referrer {
  path: string;
  at: Path;
  ref: string;
}

/** What is wanted: a schema, component or operation by name, or (from a schema's file ref) a sibling file. */
type Want = { kind: LayoutKind; name: string } | { fileName: string };
type Need = { want: Want; from?: Referrer };

const key = (kind: LayoutKind, name: string) => `${kind}\0${name}`;

const WORD: Readonly<Record<LayoutKind, string>> = {
  schema: "schema",
  response: "response",
  parameter: "parameter",
  requestBody: "request body",
  operation: "operation",
};

export async function collectClosure(
  source: Source,
  roots: Roots,
  operations: Operations = [],
): Promise<Closure> {
  const byKey = new Map<string, VendoredFile>();
  const byFile = new Map<string, VendoredFile>();
  /** Operations by their `$id`: two files must not claim one place. */
  const byPlace = new Map<string, VendoredFile>();
  const available = new Set(source.fileNames);
  let indexedAll = false;

  const load = async (fileNames: readonly string[]) => {
    const todo = [...new Set(fileNames)].filter((f) => !byFile.has(f));
    for (const file of await source.read(todo)) {
      const { vendored, place } = parseOne(source.location, file);
      const other = byKey.get(key(vendored.kind, vendored.name));
      if (other) throw duplicateError(vendored, other);
      if (place !== undefined) {
        const same = byPlace.get(place);
        if (same) throw duplicatePlaceError(place, vendored, same);
        byPlace.set(place, vendored);
      }
      byKey.set(key(vendored.kind, vendored.name), vendored);
      byFile.set(vendored.fileName, vendored);
    }
  };
  const indexAll = async () => {
    if (indexedAll) return;
    await load(source.fileNames);
    indexedAll = true;
  };
  const all = (kind: LayoutKind): Need[] =>
    [...byKey.values()]
      .filter((f) => f.kind === kind)
      .map((f) => f.name)
      .sort(byCodeUnit)
      .map((name) => ({ want: { kind, name } }));

  if (roots === "*" || operations === "*") await indexAll();
  let wanted: Need[] = [
    ...(roots === "*"
      ? all("schema")
      : roots.map((name) => ({ want: { kind: "schema" as const, name } }))),
    ...(operations === "*"
      ? all("operation")
      : operations.map((name) => ({ want: { kind: "operation" as const, name } }))),
  ];

  const included = new Set<VendoredFile>();
  while (wanted.length > 0) {
    const named = wanted.flatMap(({ want }) =>
      "name" in want && !byKey.has(key(want.kind, want.name)) ? [want] : [],
    );
    await load(named.map(guessFileName).filter((f) => available.has(f)));
    if (named.some((want) => !byKey.has(key(want.kind, want.name)))) await indexAll();
    await load(
      wanted.flatMap(({ want }) =>
        "fileName" in want && available.has(want.fileName) ? [want.fileName] : [],
      ),
    );

    const next: Need[] = [];
    for (const need of wanted) {
      const { want } = need;
      const file =
        "name" in want ? byKey.get(key(want.kind, want.name)) : byFile.get(want.fileName);
      if (file === undefined) throw notUpstream(source, need, operationCount(byKey, indexedAll));
      if (included.has(file)) continue;
      included.add(file);
      for (const ref of refsOf(file)) {
        const target = refTarget(ref, file.kind);
        if (target !== undefined) next.push({ want: target, from: ref });
      }
    }
    wanted = next;
  }
  return {
    files: [...included].sort((a, b) => byCodeUnit(a.fileName, b.fileName)),
    upstreamOperations: operationCount(byKey, indexedAll),
  };
}

function operationCount(byKey: Map<string, VendoredFile>, indexedAll: boolean): number | undefined {
  if (!indexedAll) return undefined;
  return [...byKey.values()].filter((f) => f.kind === "operation").length;
}

function guessFileName(want: { kind: LayoutKind; name: string }): string {
  return want.kind === "operation"
    ? operationFileName(want.name)
    : componentFileName(want.kind, want.name);
}

/**
 * One file of the source: a schema (its `$id` names one, or it has none: load's rules name it), a response,
 * parameter or request body (its `$id` names it), or an operation (its `$id` is a path and a method, and it has
 * an operationId).
 */
function parseOne(location: string, file: SourceFile): { vendored: VendoredFile; place?: string } {
  const text = decodeUtf8(file.path, file.bytes);
  const value = parseJsonText(file.path, text);
  const id = isObject(value) ? value["$id"] : undefined;
  const layout = typeof id === "string" ? classifyLayoutId(id) : undefined;
  const base = { fileName: file.fileName, path: file.path, bytes: file.bytes };
  if (layout === undefined || layout.kind === "schema") {
    if (
      typeof id === "string" &&
      layout === undefined &&
      (id.startsWith("#/paths/") || /^#\/components\/(?!schemas\/)/.test(id))
    )
      throw new SchemaError(
        file.path,
        "/$id",
        `${JSON.stringify(id)} is no place sync vendors: expected #/components/<schemas|responses|parameters|requestBodies>/<Name> or #/paths/<path>/<method>`,
      );
    const [loaded] = parseSchemaFiles(location, [
      { fileName: file.fileName, path: file.path, text },
    ]).schemas;
    return { vendored: { ...base, kind: "schema", name: loaded!.name, body: loaded!.schema } };
  }
  const body = value as JsonObject;
  if (layout.kind !== "operation") {
    if (!COMPONENT_NAME.test(layout.name))
      throw new SchemaError(
        file.path,
        "/$id",
        "not a component name: OpenAPI allows only letters, digits, '.', '-' and '_'",
      );
    return { vendored: { ...base, kind: layout.kind, name: layout.name, body } };
  }
  const operationId = body["operationId"];
  if (typeof operationId !== "string" || operationId === "")
    throw new SchemaError(
      file.path,
      "/operationId",
      `an operation file needs an operationId (its $id ${JSON.stringify(id)} names an operation)`,
    );
  // The rule the OpenAPI split applies: an operationId names the operation's file.
  if (!COMPONENT_NAME.test(operationId))
    throw new SchemaError(
      file.path,
      "/operationId",
      `operationId ${JSON.stringify(operationId)} is not usable as a file name: sync allows only letters, digits, '.', '-' and '_'`,
    );
  return { vendored: { ...base, kind: "operation", name: operationId, body }, place: id as string };
}

/** Every `$ref` of the file, with where it is. */
function refsOf(file: VendoredFile): Referrer[] {
  const refs: Referrer[] = [];
  if (file.kind === "schema")
    forEachSchema(file.path, file.body, (node, at) => {
      const ref = node["$ref"];
      if (typeof ref === "string") refs.push({ path: file.path, at, ref });
    });
  else
    forEachObjectRef(file.path, file.body, file.kind, (ref, at) =>
      refs.push({ path: file.path, at, ref }),
    );
  return refs;
}

/**
 * What a `$ref` needs from upstream. In a schema: a schema by name, a sibling file, or nothing (a place in the
 * same schema). Anywhere else: a schema, response, parameter or request body by name; a ref to another kind
 * of component, or into a component that is not a schema, is refused.
 */
function refTarget(from: Referrer, kind: LayoutKind): Want | undefined {
  if (kind === "schema") {
    const target = classifyRef(from.ref, from.path, from.at);
    if (target.kind === "schema") return { kind: "schema", name: target.name };
    if (target.kind === "file") return { fileName: target.fileName };
    return undefined;
  }
  const target = classifyComponentRef(from.ref, from.path, from.at);
  const wanted = componentKindOfSection(target.section);
  if (wanted === undefined)
    throw refError(
      from.path,
      from.at,
      from.ref,
      `points at a component in components.${target.section}, which sync does not vendor (only schemas, responses, parameters and requestBodies)`,
    );
  if (wanted !== "schema" && target.rest !== "")
    throw refError(
      from.path,
      from.at,
      from.ref,
      `points inside a ${WORD[wanted]}: only whole responses, parameters and request bodies are followed`,
    );
  return { kind: wanted, name: target.name };
}

/** Two files declare one thing: load's declaredTwiceError, worded for what sync reads. */
function duplicateError(one: VendoredFile, other: VendoredFile): SchemaError {
  if (one.kind === "schema") return duplicateNameError(one.name, other.path, one.path);
  const what = one.kind === "operation" ? "operationId" : `${WORD[one.kind]} name`;
  return declaredTwiceError(`${what} "${one.name}"`, undefined, one.path, other.path);
}

function duplicatePlaceError(place: string, one: VendoredFile, other: VendoredFile): SchemaError {
  return declaredTwiceError(`the operation ${place}`, "/$id", one.path, other.path);
}

function notUpstream(source: Source, need: Need, operations: number | undefined): SchemaError {
  const where = `${source.fileNames.length} files at ${source.location}`;
  const { want, from } = need;
  if (from === undefined) {
    const named = want as { kind: LayoutKind; name: string };
    if (named.kind === "operation")
      return new SchemaError(
        source.location,
        undefined,
        `operation "${named.name}" is not upstream: ${operations === 0 ? "this source has no operations" : "no file declares that operationId"} (searched ${where})`,
      );
    return new SchemaError(
      source.location,
      undefined,
      `root schema "${named.name}" is not upstream: no file declares it (searched ${where})`,
    );
  }
  const missing =
    "name" in want ? `no ${WORD[want.kind]} named "${want.name}"` : `no file "${want.fileName}"`;
  return refError(
    from.path,
    from.at,
    from.ref,
    `points at ${missing} upstream (searched ${where})`,
  );
}
