/**
 * The TypeScript check: every instance becomes one line of a check file,
 *   const v12: components["schemas"]["Name"] = { ...the instance as an object literal... };
 * or, for the body of an operation, its type reached through `operations`, e.g.
 *   const v13: operations["op"]["responses"][202]["content"]["application/vnd.api+json"] = { ... };
 * which is exactly how a user writes a value of the type (literal types and excess-property checks
 * included). One Program compiles the whole file against the generated declarations; each diagnostic
 * is mapped back to its line, and so to its instance.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { SchemaError } from "../pipeline/errors.js";
import { isObject, type Json } from "../pipeline/json.js";

export interface TypeCase {
  schema: string;
  value: Json;
  /** The type to check against, as TypeScript text; `components["schemas"][<schema>]` when omitted. */
  type?: string;
}

export interface TypeCheckResult {
  /** Per case, in order: the first diagnostic on its line, or undefined when the compiler accepts it. */
  errors: (string | undefined)[];
  /** Problems in the declarations themselves (they would make every verdict meaningless). */
  typesErrors: string[];
  seconds: number;
  checkFileBytes: number;
}

/** The compiler options a strict consumer uses. `skipLibCheck` stays off so the declarations are checked too. */
const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: false,
  skipDefaultLibCheck: true,
  types: [],
};

/**
 * Builds the check file's text: line 1 imports the types (`components`, and `operations` when a case is
 * typed through it), case i sits on line i + 2.
 */
export function checkFileText(typesImport: string, cases: readonly TypeCase[]): string {
  const types = cases.map((c) => c.type ?? `components["schemas"][${JSON.stringify(c.schema)}]`);
  const imported = ["components", "operations"].filter((name) =>
    types.some((type) => new RegExp(`\\b${name}\\[`).test(type)),
  );
  const lines = [
    `import type { ${(imported.length > 0 ? imported : ["components"]).join(", ")} } from ${JSON.stringify(typesImport)};`,
  ];
  cases.forEach((c, i) => lines.push(`const v${i}: ${types[i]!} = ${toLiteral(c.value)};`));
  return lines.join("\n") + "\n";
}

/** Where a body sits in an operation: its request body, or the response with one status (or `default`). */
export type BodyPlace = { kind: "request" } | { kind: "response"; status: string };

/**
 * The type of one body of an operation, written as a user writes it: the request body through `NonNullable`
 * (an optional request body is `requestBody?:`), a numeric status as a number (`responses[202]`).
 */
export function operationBodyType(operationId: string, place: BodyPlace, media: string): string {
  const operation = `operations[${JSON.stringify(operationId)}]`;
  const content = `["content"][${JSON.stringify(media)}]`;
  if (place.kind === "request") return `NonNullable<${operation}["requestBody"]>${content}`;
  const status = /^[1-9][0-9]*$/.test(place.status) ? place.status : JSON.stringify(place.status);
  return `${operation}["responses"][${status}]${content}`;
}

/** A JSON value as a TypeScript expression. `__proto__` is written computed, so it stays an own property as in JSON. */
export function toLiteral(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(toLiteral).join(", ")}]`;
  if (isObject(value)) {
    const entries = Object.entries(value).map(
      ([key, v]) =>
        `${key === "__proto__" ? `[${JSON.stringify(key)}]` : JSON.stringify(key)}: ${toLiteral(v)}`,
    );
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  }
  return JSON.stringify(value);
}

/**
 * Compiles every case against the entry `<typesDir>/<entry>` (the root `index.d.ts` by default, or a tag's
 * `tags/<slug>.d.ts`) in one Program.
 */
export function checkTypes(
  typesDir: string,
  cases: readonly TypeCase[],
  entry = "index.d.ts",
): TypeCheckResult {
  const started = performance.now();
  const dir = resolve(typesDir);
  const typesFile = join(dir, entry);
  if (!existsSync(typesFile))
    throw new SchemaError(
      join(typesDir, entry),
      undefined,
      "no generated declarations here (run npm run generate, or pass --types)",
    );
  // The check file is virtual: it lives in memory beside the declarations and is never written.
  const checkFile = join(dir, "__conformance_check__.ts");
  const text = checkFileText(`./${entry.replace(/\.d\.ts$/, ".js")}`, cases);
  const host = ts.createCompilerHost(OPTIONS, true);
  const source = ts.createSourceFile(
    checkFile,
    text,
    ts.ScriptTarget.ES2022,
    false,
    ts.ScriptKind.TS,
  );
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, ...rest) =>
    resolve(fileName) === checkFile ? source : getSourceFile(fileName, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => resolve(fileName) === checkFile || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => (resolve(fileName) === checkFile ? text : readFile(fileName));

  const program = ts.createProgram({ rootNames: [checkFile], options: OPTIONS, host });
  const errors: (string | undefined)[] = cases.map(() => undefined);
  const typesErrors: string[] = [];
  const checkDiagnostics = [
    ...program.getSyntacticDiagnostics(source),
    ...program.getSemanticDiagnostics(source),
  ];
  for (const diagnostic of checkDiagnostics) {
    const line =
      diagnostic.start === undefined
        ? 0
        : source.getLineAndCharacterOfPosition(diagnostic.start).line;
    const index = line - 1;
    if (index < 0 || index >= cases.length) {
      typesErrors.push(`check file line ${line + 1}: ${message(diagnostic)}`);
    } else {
      errors[index] ??= message(diagnostic);
    }
  }
  if (program.getSourceFile(typesFile) === undefined)
    typesErrors.push(
      `${typesFile}: not part of the program (is it a module exporting "components"?)`,
    );
  // The declarations, and anything they import, must compile: an error there can silently turn a type into `any`.
  for (const file of program.getSourceFiles()) {
    if (file === source || program.isSourceFileDefaultLibrary(file)) continue;
    for (const diagnostic of [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ]) {
      const where =
        diagnostic.start === undefined
          ? ""
          : `:${file.getLineAndCharacterOfPosition(diagnostic.start).line + 1}`;
      typesErrors.push(`${file.fileName}${where}: ${message(diagnostic)}`);
    }
  }
  for (const diagnostic of program.getGlobalDiagnostics())
    typesErrors.push(`global: ${message(diagnostic)}`);
  for (const diagnostic of program.getOptionsDiagnostics())
    typesErrors.push(`options: ${message(diagnostic)}`);
  return {
    errors,
    typesErrors,
    seconds: (performance.now() - started) / 1000,
    checkFileBytes: Buffer.byteLength(text),
  };
}

/** A diagnostic as one line: the chain's messages joined, the deepest last. */
function message(diagnostic: ts.Diagnostic): string {
  return `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ").replace(/\s+/g, " ")}`;
}
