/**
 * `$ref`s: reading one as a schema file writes it (what it points at, or why it is refused), and the one
 * form resolve rewrites every ref into, `#/components/schemas/<Name>[/more]`.
 */
import { SchemaError, place } from "./errors.js";
import { decodePointerToken, pointerToken } from "./pointer.js";
import type { Path } from "./walk.js";

export const COMPONENTS_PREFIX = "#/components/schemas/";
const COMPONENTS_POINTER = COMPONENTS_PREFIX.slice(1);

/**
 * What a `$ref` points at, by its text alone; whether that exists is for the caller to say. `rest` is "" or
 * a JSON Pointer into the target, as written (percent-encoding left in).
 */
export type RefTarget =
  /** `#/components/schemas/<Name>[/rest]`: a schema of the set, by name. */
  | { kind: "schema"; name: string; rest: string }
  /** `<file name>[#/rest]`: another file of the schema folder. */
  | { kind: "file"; fileName: string; rest: string }
  /** `#[/rest]`: the referring schema itself. */
  | { kind: "self"; rest: string };

/**
 * Reads a `$ref` written at `path` in `file`. resolve (for generate, diff and conformance) and sync's closure
 * both read refs with this, so that they refuse the same refs, with the same messages.
 */
export function classifyRef(ref: string, file: string, path: Path): RefTarget {
  const refuse = (why: string): never => {
    throw refError(file, path, ref, why);
  };
  // Before the URL test, which would take a drive letter for a scheme.
  if (ref.startsWith("/") || ref.startsWith("\\") || /^[a-z]:[\\/]/i.test(ref))
    refuse("is an absolute path: only references inside the schema set are followed");
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref))
    refuse("is a URL: only references inside the schema set are followed");
  const hash = ref.indexOf("#");
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? "" : ref.slice(hash + 1);

  let target: RefTarget;
  if (filePart !== "") {
    const segments = filePart
      .replace(/\\/g, "/")
      .split("/")
      .filter((s) => s !== "." && s !== "");
    if (segments.includes(".."))
      refuse("leaves the schema folder: only references inside the schema set are followed");
    if (segments.length !== 1)
      refuse("points into a subfolder, which is not part of the schema set");
    target = { kind: "file", fileName: segments[0]!, rest: fragment };
  } else if (fragment.startsWith(COMPONENTS_POINTER)) {
    const tail = fragment.slice(COMPONENTS_POINTER.length);
    const slash = tail.indexOf("/");
    target = {
      kind: "schema",
      name: decodePointerToken(slash === -1 ? tail : tail.slice(0, slash), { uriFragment: true }),
      rest: slash === -1 ? "" : tail.slice(slash),
    };
  } else {
    target = { kind: "self", rest: fragment };
  }
  if (target.rest !== "" && !target.rest.startsWith("/"))
    refuse("uses a plain-name fragment (anchor), which is not supported");
  if (target.rest === "/") target.rest = ""; // `#/` is the whole schema, as `#` is
  return target;
}

/** An error about the `$ref` at `path` in `file`, as every refusal of a ref reads. */
export function refError(file: string, path: Path, ref: string, problem: string): SchemaError {
  return new SchemaError(file, place([...path, "$ref"]), `$ref "${ref}" ${problem}`);
}

/** The ref to a schema of the set by name, or (with `rest`, a JSON Pointer) to a place inside it. */
export function componentRef(name: string, rest = ""): string {
  return COMPONENTS_PREFIX + pointerToken(name) + rest;
}

/** The tokens of a ref that componentRef wrote, the schema's name first; undefined for any other ref. */
export function componentRefTokens(ref: string): string[] | undefined {
  if (!ref.startsWith(COMPONENTS_PREFIX)) return undefined;
  return ref
    .slice(COMPONENTS_PREFIX.length)
    .split("/")
    .map((token) => decodePointerToken(token, { uriFragment: false }));
}

/** What a `$ref` in an OpenAPI object that is not a schema points at: a component of the document. */
export interface ComponentRefTarget {
  /** The section under `components`, as written: "schemas", "responses", "parameters", ... */
  section: string;
  name: string;
  /** "" or a JSON Pointer into the component, as written. */
  rest: string;
}

/**
 * Reads a `$ref` written at `path` in `file`, an operation, response, parameter or request body: it must be
 * `#/components/<section>/<Name>[/rest]`. classifyRef's refusals apply (a URL, an absolute path, `..`, an
 * anchor); a ref to another file, or to any other place of the document, is refused too. Which sections
 * exist is for the caller to say.
 */
export function classifyComponentRef(ref: string, file: string, path: Path): ComponentRefTarget {
  const target = classifyRef(ref, file, path);
  if (target.kind === "schema") return { section: "schemas", name: target.name, rest: target.rest };
  if (target.kind === "file")
    throw refError(
      file,
      path,
      ref,
      "names a file: outside a schema, only references to #/components/<section>/<Name> are followed",
    );
  const match = /^\/components\/([^/]+)\/([^/]+)(\/.*)?$/.exec(target.rest);
  if (match === null)
    throw refError(
      file,
      path,
      ref,
      "points at no component: only references to #/components/<section>/<Name> are followed",
    );
  return {
    section: match[1]!,
    name: decodePointerToken(match[2]!, { uriFragment: true }),
    rest: match[3] ?? "",
  };
}
