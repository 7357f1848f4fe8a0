/**
 * An error in the input that the user must fix. `file` and `place` are what make it actionable:
 * the message prints as one line, `file: place: what is wrong`.
 */
export class SchemaError extends Error {
  constructor(
    readonly file: string,
    readonly place: string | undefined,
    readonly problem: string,
  ) {
    super([file, place, problem].filter((part) => part !== undefined && part !== "").join(": "));
    this.name = "SchemaError";
  }
}

/** Escapes one JSON Pointer token (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Reads one token of a `$ref` fragment: percent-decoding where it is encoded, then RFC 6901 escapes. */
export function decodePointerToken(token: string): string {
  let decoded = token;
  try {
    decoded = decodeURIComponent(token);
  } catch {
    // not percent-encoded; keep it as written
  }
  return decoded.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Joins tokens into a JSON Pointer, "" being the document root. */
export function pointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => "/" + pointerToken(t)).join("");
}

/** Places in messages: a pointer, or "(root)" so the root is never an empty string. */
export function place(tokens: readonly (string | number)[]): string {
  return tokens.length === 0 ? "(root)" : pointer(tokens);
}
