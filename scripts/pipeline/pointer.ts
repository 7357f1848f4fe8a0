/** JSON Pointers (RFC 6901): written into `$ref`s and message places, and read back from `$ref`s and `$id`s. */

/** Escapes one token. */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Joins tokens into a JSON Pointer, "" being the document root. */
export function pointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => "/" + pointerToken(t)).join("");
}

/**
 * Reads one token back. A `$ref` or `$id` as a schema file writes it is a URI, so its fragment may be
 * percent-encoded: `uriFragment: true` decodes that first (text that is not valid percent-encoding is kept
 * as written). The refs resolve writes (refs.ts, componentRef) escape the name for RFC 6901 only, so they are
 * read with `uriFragment: false`: percent-decoding them would misread a name such as "100%25".
 */
export function decodePointerToken(token: string, options: { uriFragment: boolean }): string {
  let decoded = token;
  if (options.uriFragment) {
    try {
      decoded = decodeURIComponent(token);
    } catch {
      // not percent-encoded; keep it as written
    }
  }
  return decoded.replace(/~1/g, "/").replace(/~0/g, "~");
}
