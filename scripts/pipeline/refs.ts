/**
 * `$ref`s: the one form resolve writes every reference in, `#/components/schemas/<Name>[/more]`, and
 * reading it back.
 */
import { decodePointerToken, pointerToken } from "./pointer.js";

export const COMPONENTS_PREFIX = "#/components/schemas/";

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
