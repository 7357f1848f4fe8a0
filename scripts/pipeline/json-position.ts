/**
 * Finds where a JSON text first goes wrong. JSON.parse in Node 20 names a position for some errors and
 * not for others, so a failed parse is scanned again here to give the user a line and a column.
 */
import { SchemaError } from "./errors.js";

/**
 * JSON.parse with a byte-order mark allowed and a failure reported as `file:line:column: malformed JSON: ...`.
 * `where` names the file or URL in the message. The line and column are where an editor shows the problem:
 * a leading byte-order mark is not a character of the first line, so it is not counted.
 */
export function parseJsonText(where: string, text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === BOM ? text.slice(1) : text);
  } catch (error) {
    const problem = findJsonSyntaxProblem(text);
    throw new SchemaError(
      problem ? `${where}:${problem.line}:${problem.column}` : where,
      undefined,
      `malformed JSON: ${problem?.message ?? (error as Error).message}`,
    );
  }
}

const BOM = 0xfeff;

export interface JsonSyntaxProblem {
  /** Index into the text as given (a leading byte-order mark included), in UTF-16 code units. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units; a leading byte-order mark is not counted. */
  column: number;
  message: string;
}

/** The first syntax problem of a JSON text, after a leading byte-order mark if there is one. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  const start = text.charCodeAt(0) === BOM ? 1 : 0;
  let i = start;
  const fail = (message: string): never => {
    throw new ScanStop(i, message);
  };
  const describe = (): string => (i >= text.length ? "end of input" : JSON.stringify(text[i]));
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${describe()}`);
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail("control character in string");
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("bad \\u escape");
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else fail("bad escape in string");
      } else i++;
    }
    fail("unterminated string");
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === "" || match[0] === "-") fail(`unexpected ${describe()}`);
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe()}`);
        string();
        space();
        if (text[i] !== ":") fail(`expected ':' after property name, found ${describe()}`);
        i++;
        value();
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        fail(`expected ',' or '}' after property value, found ${describe()}`);
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        fail(`expected ',' or ']' after array element, found ${describe()}`);
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return number();
    fail(`unexpected ${describe()}`);
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${describe()} after the JSON value`);
    return undefined;
  } catch (error) {
    if (!(error instanceof ScanStop)) throw error;
    const before = text.slice(start, error.offset).split("\n");
    return {
      offset: error.offset,
      line: before.length,
      column: before[before.length - 1]!.length + 1,
      message: error.message,
    };
  }
}

class ScanStop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}
