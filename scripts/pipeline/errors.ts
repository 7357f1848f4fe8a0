import { pointer } from "./pointer.js";

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

/** Places in messages: a pointer, or "(root)" so the root is never an empty string. */
export function place(tokens: readonly (string | number)[]): string {
  return tokens.length === 0 ? "(root)" : pointer(tokens);
}
