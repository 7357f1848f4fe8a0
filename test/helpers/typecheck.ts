/**
 * Compiles TypeScript files held in memory (plus real lib files) with the compiler API and returns the
 * diagnostics as `file:line: TSnnnn message` strings. Used to prove what generated types accept.
 */
import ts from "typescript";

export const STRICT_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts"],
  types: [],
  skipLibCheck: false,
  // The generated declarations are checked; TypeScript's own lib files need not be.
  skipDefaultLibCheck: true,
};

const libCache = new Map<string, ts.SourceFile | undefined>();

/** `files` maps absolute-looking virtual paths (e.g. "/virtual/index.d.ts") to their text. */
export function typecheck(
  files: Record<string, string>,
  options: ts.CompilerOptions = STRICT_OPTIONS,
): string[] {
  const host = ts.createCompilerHost(options, true);
  const realGetSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = files[fileName];
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    if (!libCache.has(fileName))
      libCache.set(fileName, realGetSourceFile(fileName, languageVersion, onError, shouldCreate));
    return libCache.get(fileName);
  };
  const realFileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName in files || realFileExists(fileName);
  const realDirectoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (dir) =>
    Object.keys(files).some((f) => f.startsWith(dir.replace(/\/$/, "") + "/")) ||
    (realDirectoryExists?.(dir) ?? false);
  const realReadFile = host.readFile.bind(host);
  host.readFile = (fileName) => files[fileName] ?? realReadFile(fileName);
  const program = ts.createProgram({ rootNames: Object.keys(files), options, host });
  return ts.getPreEmitDiagnostics(program).map(formatDiagnostic);
}

function formatDiagnostic(d: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0];
  if (!d.file || d.start === undefined) return `TS${d.code} ${message}`;
  const { line } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${d.file.fileName}:${line + 1}: TS${d.code} ${message}`;
}

/**
 * Checks `code` against generated declarations placed at /virtual/index.d.ts; `code` imports from "./index".
 */
export function typecheckAgainst(declarations: string, code: string): string[] {
  return typecheck({ "/virtual/index.d.ts": declarations, "/virtual/check.ts": code });
}

/** Generated files (relative paths, as GenerateResult.files has them) placed under the virtual folder `dir`. */
export function filesUnder(
  dir: string,
  files: ReadonlyMap<string, string>,
): Record<string, string> {
  return Object.fromEntries([...files].map(([file, text]) => [`${dir}/${file}`, text]));
}
